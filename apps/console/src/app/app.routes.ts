import type { Routes } from '@angular/router';
import { featureOn, requires, signedIn, signedOut } from './core/auth.guards';

const workspace = () => import('./workspace/workspace-page.component').then((m) => m.WorkspacePageComponent);
const admin = requires('admin');

export const routes: Routes = [
  {
    path: 'login',
    title: 'Sign in · OmniAI',
    canActivate: [signedOut],
    loadComponent: () => import('./auth/login-page.component').then((m) => m.LoginPageComponent),
  },
  {
    // Public: the link itself is the credential (and the first admin's one-time link lands here too).
    path: 'invite/:token',
    title: 'Accept invite · OmniAI',
    loadComponent: () => import('./auth/invite-page.component').then((m) => m.InvitePageComponent),
  },
  {
    path: '',
    canActivateChild: [signedIn],
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'projects' },
      { path: 'projects', title: 'Projects · OmniAI', loadComponent: workspace },
      { path: 'projects/:projectId', title: 'Project · OmniAI', loadComponent: workspace },
      { path: 'projects/:projectId/threads/:threadId', title: 'Thread · OmniAI', loadComponent: workspace },
      { path: 'projects/:projectId/threads/:threadId/runs/:runId', title: 'Run · OmniAI', loadComponent: workspace },
      // Workflow graphs: each page its own lazy chunk (the builder brings ngx-vflow and dagre).
      {
        path: 'projects/:projectId/workflows',
        title: 'Workflows · OmniAI',
        loadComponent: () => import('./workflows/workflows-page.component').then((m) => m.WorkflowsPageComponent),
      },
      {
        path: 'projects/:projectId/workflows/:graphId',
        title: 'Workflow builder · OmniAI',
        loadComponent: () => import('./workflows/graph-builder.component').then((m) => m.GraphBuilderComponent),
      },
      {
        path: 'projects/:projectId/workflows/:graphId/runs/:runId',
        title: 'Workflow run · OmniAI',
        loadComponent: () => import('./workflows/graph-run-page.component').then((m) => m.GraphRunPageComponent),
      },
      // Research runs: their own lazy chunks (the run page brings ngx-vflow, dagre, marked and DOMPurify).
      {
        path: 'projects/:projectId/research',
        title: 'Research · OmniAI',
        canActivate: [featureOn('research')],
        loadComponent: () => import('./research/research-page.component').then((m) => m.ResearchPageComponent),
      },
      {
        path: 'projects/:projectId/research/:runId',
        title: 'Research run · OmniAI',
        canActivate: [featureOn('research')],
        loadComponent: () => import('./research/research-run-page.component').then((m) => m.ResearchRunPageComponent),
      },
      // The MCP hub (issue 17): servers, their catalogs, drift review.
      {
        path: 'mcp',
        title: 'MCP servers · OmniAI',
        canActivate: [featureOn('mcp')],
        loadComponent: () => import('./mcp/mcp-servers-page.component').then((m) => m.McpServersPageComponent),
      },
      {
        path: 'mcp/:serverId',
        title: 'MCP server · OmniAI',
        canActivate: [featureOn('mcp')],
        loadComponent: () => import('./mcp/mcp-server-page.component').then((m) => m.McpServerPageComponent),
      },
      {
        path: 'system',
        title: 'System · OmniAI',
        loadComponent: () => import('./system/system-page.component').then((m) => m.SystemPageComponent),
      },
      {
        path: 'approvals',
        title: 'Approvals · OmniAI',
        canActivate: [featureOn('approvals')],
        loadComponent: () => import('./approvals/approvals-page.component').then((m) => m.ApprovalsPageComponent),
      },
      { path: 'settings', pathMatch: 'full', redirectTo: 'settings/tokens' },
      {
        path: 'settings/providers',
        title: 'Providers · OmniAI',
        canActivate: [admin],
        loadComponent: () => import('./settings/providers-page.component').then((m) => m.ProvidersPageComponent),
      },
      {
        path: 'settings/policy',
        title: 'Policy · OmniAI',
        canActivate: [admin],
        loadComponent: () => import('./settings/policy-page.component').then((m) => m.PolicyPageComponent),
      },
      {
        path: 'settings/users',
        title: 'Users · OmniAI',
        canActivate: [admin],
        loadComponent: () => import('./settings/users-page.component').then((m) => m.UsersPageComponent),
      },
      {
        path: 'settings/tokens',
        title: 'API tokens · OmniAI',
        loadComponent: () => import('./settings/tokens-page.component').then((m) => m.TokensPageComponent),
      },
      {
        path: 'settings/audit',
        title: 'Audit log · OmniAI',
        canActivate: [admin],
        loadComponent: () => import('./settings/audit-page.component').then((m) => m.AuditPageComponent),
      },
      { path: '**', redirectTo: 'projects' },
    ],
  },
];
