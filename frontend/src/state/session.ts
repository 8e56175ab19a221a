import type { Session } from '../api/client';
import { createStoredValue, useStoredValue } from '../lib/store';

function parseSession(raw: unknown): Session | null {
  if (!raw || typeof raw !== 'object') return null;
  const s = raw as Partial<Session>;
  if (typeof s.token !== 'string' || !s.utilisateur || typeof s.expires_at !== 'string')
    return null;
  return s as Session;
}

export const sessionStore = createStoredValue('boutique.session', parseSession);

/** The signed-in session, or null (also once the token has expired). */
export function currentSession(): Session | null {
  const session = sessionStore.get();
  if (session && Date.parse(session.expires_at) <= Date.now()) return null;
  return session;
}

/** The stored session; <App> drops it when it expires (and any 401 drops it too). */
export function useSession(): Session | null {
  return useStoredValue(sessionStore);
}

/** Milliseconds until the session expires (≤ 0: already expired). */
export function sessionRemainingMs(session: Session): number {
  return Date.parse(session.expires_at) - Date.now();
}

/** Where to go after signing in: only a local path, never another site. */
export function safeReturnPath(value: string | null): string {
  return value && value.startsWith('/') && !value.startsWith('//') ? value : '/';
}
