import type { Routes } from '@angular/router';

const workspace = () => import('./workspace/workspace-page.component').then((m) => m.WorkspacePageComponent);

export const routes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'projects' },
  { path: 'projects', title: 'Projects · OmniAI', loadComponent: workspace },
  { path: 'projects/:projectId', title: 'Project · OmniAI', loadComponent: workspace },
  { path: 'projects/:projectId/threads/:threadId', title: 'Thread · OmniAI', loadComponent: workspace },
  { path: 'projects/:projectId/threads/:threadId/runs/:runId', title: 'Run · OmniAI', loadComponent: workspace },
  {
    path: 'system',
    title: 'System · OmniAI',
    loadComponent: () => import('./system/system-page.component').then((m) => m.SystemPageComponent),
  },
  {
    path: 'approvals',
    title: 'Approvals · OmniAI',
    loadComponent: () => import('./approvals/approvals-page.component').then((m) => m.ApprovalsPageComponent),
  },
  { path: 'settings', pathMatch: 'full', redirectTo: 'settings/providers' },
  {
    path: 'settings/providers',
    title: 'Providers · OmniAI',
    loadComponent: () => import('./settings/providers-page.component').then((m) => m.ProvidersPageComponent),
  },
  {
    path: 'settings/policy',
    title: 'Policy · OmniAI',
    loadComponent: () => import('./settings/policy-page.component').then((m) => m.PolicyPageComponent),
  },
  { path: '**', redirectTo: 'projects' },
];
