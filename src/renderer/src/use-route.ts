import { useCallback, useEffect, useState } from 'react';
import { parseRoute, routeHash, type Route } from './routes';

/** The current hash route, and a navigate that pushes a history entry (so back/forward work). */
export function useRoute(): [Route, (route: Route) => void] {
  const [route, setRoute] = useState<Route>(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = (): void => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  const navigate = useCallback((next: Route) => {
    const hash = routeHash(next);
    if (window.location.hash !== hash) window.location.hash = hash;
  }, []);
  return [route, navigate];
}
