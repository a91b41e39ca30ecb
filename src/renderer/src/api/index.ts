import type { VitalsApi } from '../../../shared/api';
import type { ConnectionSource } from './connection';
import { createWsApi } from './ws';

/** The API plus, where the transport can drop (web mode), its connection state. */
export type RendererApi = VitalsApi & Partial<ConnectionSource>;

let api: RendererApi | null = null;

/**
 * The engine API: the Electron preload's `window.vitals` when present, else a WebSocket to the
 * web face that served this page, authenticated with the page's `?token=`.
 */
export function getApi(): RendererApi {
  if (api) return api;
  if (window.vitals) {
    api = window.vitals;
  } else {
    api = createWsApi(webSocketUrl(window.location));
  }
  return api;
}

export function webSocketUrl(location: Pick<Location, 'protocol' | 'host' | 'search'>): string {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/ws?token=${encodeURIComponent(token)}`;
}

export type { ConnectionState } from './connection';
