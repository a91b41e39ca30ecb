/** The workbench's hash routes: one per view, so links, reloads and back/forward land on a view. Pure. */

export type Route = { view: 'live' } | { view: 'sessions' } | { view: 'models' } | { view: 'review'; sessionId: number };

/** `#/live` (and anything unknown) is Live; `#/sessions` the library; `#/sessions/<id>` a session's review; `#/models` the models. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/\/+$/, '');
  if (path === '/sessions') return { view: 'sessions' };
  if (path === '/models') return { view: 'models' };
  const review = /^\/sessions\/(\d+)$/.exec(path);
  if (review) return { view: 'review', sessionId: Number(review[1]) };
  return { view: 'live' };
}

export function routeHash(route: Route): string {
  if (route.view === 'review') return `#/sessions/${route.sessionId}`;
  return `#/${route.view}`;
}

/** The top bar's tabs; a review tab is added for the open session. */
export const ROUTE_TABS: readonly { route: Route; label: string }[] = [
  { route: { view: 'live' }, label: 'Live' },
  { route: { view: 'sessions' }, label: 'Sessions' },
  { route: { view: 'models' }, label: 'Models' },
];
