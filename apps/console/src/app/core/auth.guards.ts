import { inject } from '@angular/core';
import { type CanActivateFn, Router } from '@angular/router';
import type { Capability, FeatureFlags } from '@omniai/contracts';
import { safeNext } from './access';
import { MetaStore } from './meta.store';
import { SessionStore } from './session.store';

/** Every page but sign-in and invites needs a session; without one, sign in and come back here. */
export const signedIn: CanActivateFn = async (_route, state) => {
  const session = inject(SessionStore);
  const router = inject(Router);
  if (await session.ensureLoaded()) return true;
  return router.createUrlTree(['/login'], { queryParams: { next: state.url } });
};

/** The sign-in page is for the signed-out: someone signed in goes where they were heading. */
export const signedOut: CanActivateFn = async (route) => {
  const session = inject(SessionStore);
  const router = inject(Router);
  if (!(await session.ensureLoaded())) return true;
  return router.parseUrl(safeNext(route.queryParamMap.get('next')));
};

/** Pages for users whose workspace role grants `capability` (e.g. `admin` for the user list); others go to projects. */
export function requires(capability: Capability): CanActivateFn {
  return async () => {
    const session = inject(SessionStore);
    const router = inject(Router);
    await session.ensureLoaded();
    return session.can(capability) || router.parseUrl('/projects');
  };
}

/** Pages of a feature this deployment turned off (meta.features) are not reachable. */
export function featureOn(feature: keyof FeatureFlags): CanActivateFn {
  return async () => {
    const meta = inject(MetaStore);
    const router = inject(Router);
    if (meta.meta() === null) await meta.refresh();
    // Unknown (API unreachable): let the page load and show its own error.
    return meta.meta()?.features[feature] !== false || router.parseUrl('/projects');
  };
}
