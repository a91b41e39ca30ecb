/** The workbench's hash routes: one per view, so links, reloads and back/forward land on a view. Pure. */

/** A review may open at a moment `t` (s from the session start): centred there, a few seconds wide, the beat there selected. */
export type Route =
  | { view: 'live' }
  | { view: 'sessions' }
  | { view: 'models' }
  | { view: 'evaluation' }
  | { view: 'study' }
  | { view: 'review'; sessionId: number; t?: number }
  | { view: 'agreement'; sessionId: number };

/**
 * `#/live` (and anything unknown) is Live; `#/sessions` the library; `#/sessions/<id>` a session's
 * review, `#/sessions/<id>?t=<seconds>` at that moment, `#/sessions/<id>/agreement` its agreement bench; `#/models` the models;
 * `#/models/evaluation` the evaluations; `#/study` participants, studies and protocols.
 */
export function parseRoute(hash: string): Route {
  const [rawPath, query = ''] = hash.replace(/^#/, '').split('?', 2);
  const path = rawPath.replace(/\/+$/, '');
  if (path === '/sessions') return { view: 'sessions' };
  if (path === '/models') return { view: 'models' };
  if (path === '/models/evaluation') return { view: 'evaluation' };
  if (path === '/study') return { view: 'study' };
  const agreement = /^\/sessions\/(\d+)\/agreement$/.exec(path);
  if (agreement) return { view: 'agreement', sessionId: Number(agreement[1]) };
  const review = /^\/sessions\/(\d+)$/.exec(path);
  if (review) {
    const t = Number(new URLSearchParams(query).get('t') ?? NaN);
    return { view: 'review', sessionId: Number(review[1]), ...(Number.isFinite(t) && t >= 0 ? { t } : {}) };
  }
  return { view: 'live' };
}

export function routeHash(route: Route): string {
  if (route.view === 'review') return `#/sessions/${route.sessionId}${route.t !== undefined ? `?t=${+route.t.toFixed(3)}` : ''}`;
  if (route.view === 'agreement') return `#/sessions/${route.sessionId}/agreement`;
  if (route.view === 'evaluation') return '#/models/evaluation';
  return `#/${route.view}`;
}

/** The top bar's tabs; a review tab is added for the open session. */
export const ROUTE_TABS: readonly { route: Route; label: string }[] = [
  { route: { view: 'live' }, label: 'Live' },
  { route: { view: 'sessions' }, label: 'Sessions' },
  { route: { view: 'models' }, label: 'Models' },
  { route: { view: 'evaluation' }, label: 'Evaluation' },
  { route: { view: 'study' }, label: 'Study' },
];

/** The open session's tabs after ROUTE_TABS: its review, and its agreement bench while that is open. */
export function sessionTabs(route: Route): { route: Route; label: string }[] {
  if (route.view !== 'review' && route.view !== 'agreement') return [];
  const review = { route: route.view === 'review' ? route : { view: 'review' as const, sessionId: route.sessionId }, label: `Session ${route.sessionId}` };
  return route.view === 'agreement' ? [review, { route, label: 'Agreement' }] : [review];
}
