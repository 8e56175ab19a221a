import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactElement } from 'react';
import { vi } from 'vitest';
import { Router } from 'wouter';
import { memoryLocation } from 'wouter/memory-location';
import App from '../App';
import { createApiClient, type FetchLike, type Produit, type Session } from '../api/client';
import { ApiContext } from '../api/context';
import { currentSession, sessionStore } from '../state/session';

export function produit(overrides: Partial<Produit> = {}): Produit {
  return {
    id: 1,
    nom: 'Clavier mécanique',
    categorie: 'Claviers',
    prix: 64.9,
    stock: 10,
    description: 'Un clavier.',
    image_url: '',
    created_at: '2026-11-25T10:00:00Z',
    updated_at: '2026-11-25T10:00:00Z',
    ...overrides,
  };
}

export function json(body: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  if (!headers.has('Content-Type')) {
    headers.set(
      'Content-Type',
      (init.status ?? 200) >= 400 ? 'application/problem+json' : 'application/json',
    );
  }
  return new Response(body === undefined ? null : JSON.stringify(body), { ...init, headers });
}

type Handler = (url: URL, init: RequestInit) => Response | Promise<Response>;

/**
 * A fetch stub for the API client: routes are "METHOD /path" (query string ignored) → handler.
 * Unmatched requests fail the test loudly. Every call is recorded in `calls`.
 */
export function fakeFetch(routes: Record<string, Handler>) {
  const calls: { method: string; url: URL; init: RequestInit }[] = [];
  const fn = vi.fn<FetchLike>(async (input, init = {}) => {
    const url = new URL(input, 'http://boutique.test');
    const method = init.method ?? 'GET';
    calls.push({ method, url, init });
    const handler = routes[`${method} ${url.pathname}`];
    if (!handler) throw new Error(`unexpected request ${method} ${url.pathname}${url.search}`);
    return handler(url, init);
  });
  return Object.assign(fn, { calls });
}

export function signedIn(role: 'admin' | 'user' = 'user'): Session {
  const session: Session = {
    token: 'jeton',
    expires_at: new Date(Date.now() + 3_600_000).toISOString(),
    appareil: 'appareil',
    utilisateur: { id: role === 'admin' ? 1 : 2, nom: role === 'admin' ? 'Admin' : 'Client', role },
  };
  sessionStore.set(session);
  return session;
}

/** Renders the whole app (or `ui`) at `path`, with the API client on the given fetch stub. */
export function renderApp(path: string, fetch: FetchLike, ui?: ReactElement) {
  const [pathname, search = ''] = path.split('?');
  const memory = memoryLocation({ path: pathname, searchPath: search, record: true });
  const client = createApiClient({
    fetch,
    getToken: () => currentSession()?.token ?? null,
    onUnauthorized: () => sessionStore.set(null),
  });
  const user = userEvent.setup();
  const view = render(
    <ApiContext.Provider value={client}>
      <Router hook={memory.hook} searchHook={memory.searchHook}>
        {ui ?? <App />}
      </Router>
    </ApiContext.Provider>,
  );
  return { ...view, memory, user };
}
