import { describe, expect, it } from 'vitest';
import { createApiClient } from '../api/client';
import { fakeFetch, json } from '../test/helpers';
import { deviceStore, sessionStore, signIn } from './session';

function loginServer() {
  let issued = 0;
  return fakeFetch({
    'POST /api/auth/login': (_url, init) => {
      const body = JSON.parse(init.body as string) as { email: string; appareil?: string };
      return json({
        token: 'jeton',
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
        appareil: body.appareil ?? `appareil-${++issued}`,
        utilisateur: { id: 1, nom: 'Ada', email: body.email, role: 'user' },
      });
    },
  });
}

function presented(fetch: ReturnType<typeof fakeFetch>, call: number): unknown {
  return (JSON.parse(fetch.calls[call].init.body as string) as { appareil?: string }).appareil;
}

describe('signIn', () => {
  it('presents the device token this account got here before, and keeps it past logout', async () => {
    const fetch = loginServer();
    const api = createApiClient({ fetch });
    await signIn(api, 'ada@example.fr', 'motdepasse1');
    expect(presented(fetch, 0)).toBeUndefined();
    expect(sessionStore.get()?.token).toBe('jeton');
    sessionStore.set(null); // logged out
    await signIn(api, ' ADA@example.fr ', 'motdepasse1');
    expect(presented(fetch, 1)).toBe('appareil-1');
  });

  it('keeps one token per account, never another account’s, at most five', async () => {
    const fetch = loginServer();
    const api = createApiClient({ fetch });
    await signIn(api, 'ada@example.fr', 'motdepasse1');
    await signIn(api, 'bob@example.fr', 'motdepasse1');
    expect(presented(fetch, 1)).toBeUndefined();
    await signIn(api, 'ada@example.fr', 'motdepasse1');
    expect(presented(fetch, 2)).toBe('appareil-1');
    for (let i = 0; i < 6; ++i) await signIn(api, `u${i}@example.fr`, 'motdepasse1');
    expect(deviceStore.get()).toHaveLength(5);
    expect(deviceStore.get().map(([email]) => email)).not.toContain('ada@example.fr');
  });
});
