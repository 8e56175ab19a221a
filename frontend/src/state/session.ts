import type { ApiClient, Session } from '../api/client';
import { createStoredValue, useStoredValue } from '../lib/store';

function parseSession(raw: unknown): Session | null {
  if (!raw || typeof raw !== 'object') return null;
  const s = raw as Partial<Session>;
  if (typeof s.token !== 'string' || !s.utilisateur || typeof s.expires_at !== 'string')
    return null;
  return s as Session;
}

export const sessionStore = createStoredValue('boutique.session', parseSession);

/** How many accounts' device tokens one browser keeps (the most recent ones). */
const MAX_DEVICES = 5;

function parseDevices(raw: unknown): [string, string][] {
  if (!Array.isArray(raw)) return [];
  return raw
    .filter(
      (e): e is [string, string] =>
        Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'string',
    )
    .slice(0, MAX_DEVICES);
}

/**
 * The device token each account got at its last login here, by email (most recent first). It
 * outlives logout on purpose: presented at the next login, it gives this browser a throttle of its
 * own, so someone guessing the password elsewhere cannot lock the owner out.
 */
export const deviceStore = createStoredValue('boutique.appareils', parseDevices);

/** Signs in, presenting this browser's device token for the account, and keeps the new session. */
export async function signIn(api: ApiClient, email: string, password: string): Promise<Session> {
  const key = email.trim().toLowerCase();
  const known = deviceStore.get().find(([k]) => k === key)?.[1];
  const session = await api.login(email, password, known);
  const others = deviceStore.get().filter(([k]) => k !== key);
  deviceStore.set([[key, session.appareil] as [string, string], ...others].slice(0, MAX_DEVICES));
  sessionStore.set(session);
  return session;
}

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
