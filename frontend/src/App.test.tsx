import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { sessionStore } from './state/session';
import { fakeFetch, json, renderApp, signedIn } from './test/helpers';

const emptyCatalogue = {
  'GET /api/categories': () => json([]),
  'GET /api/produits': () => json([], { headers: { 'X-Total-Count': '0' } }),
};

describe('App', () => {
  it('keeps the admin area away from customers and anonymous visitors', async () => {
    renderApp('/admin', fakeFetch({}));
    expect(await screen.findByRole('link', { name: 'Connectez-vous' })).toHaveAttribute(
      'href',
      '/connexion?retour=/admin',
    );
    expect(screen.queryByRole('link', { name: 'Administration' })).not.toBeInTheDocument();
  });

  it('refuses a customer in the admin area', async () => {
    signedIn('user');
    renderApp('/admin', fakeFetch({}));
    expect(await screen.findByRole('alert')).toHaveTextContent('réservée aux administrateurs');
  });

  it('shows the admin link to admins and logs out', async () => {
    signedIn('admin');
    const fetch = fakeFetch({
      ...emptyCatalogue,
      'POST /api/auth/logout': () => new Response(null, { status: 204 }),
    });
    const { user } = renderApp('/', fetch);
    const nav = screen.getByRole('navigation', { name: 'Navigation principale' });
    expect(within(nav).getByRole('link', { name: 'Administration' })).toBeInTheDocument();
    expect(within(nav).getByRole('link', { name: 'Catalogue' })).toHaveAttribute(
      'aria-current',
      'page',
    );
    await user.click(within(nav).getByRole('button', { name: 'Se déconnecter' }));
    expect(await within(nav).findByRole('link', { name: 'Se connecter' })).toBeInTheDocument();
    expect(sessionStore.get()).toBeNull();
    const logout = fetch.calls.find((c) => c.url.pathname === '/api/auth/logout')!;
    expect((logout.init.headers as Record<string, string>).Authorization).toBe('Bearer jeton');
  });

  it('drops the session when the API answers 401', async () => {
    signedIn('user');
    renderApp(
      '/commandes',
      fakeFetch({ 'GET /api/commandes': () => json({ status: 401 }, { status: 401 }) }),
    );
    expect(await screen.findByRole('link', { name: 'Connectez-vous' })).toBeInTheDocument();
    expect(sessionStore.get()).toBeNull();
  });

  it('moves focus to the page after navigation', async () => {
    const { user } = renderApp('/', fakeFetch(emptyCatalogue));
    await user.click(screen.getByRole('link', { name: /Panier/ }));
    expect(await screen.findByRole('heading', { name: 'Panier' })).toBeInTheDocument();
    expect(screen.getByRole('main')).toHaveFocus();
  });

  it('shows the Système page from /api/info', async () => {
    const fetch = fakeFetch({
      'GET /api/info': () =>
        json({
          name: 'boutique-api',
          version: '0.3.0',
          commit: 'abc1234',
          uptime_seconds: 3725,
          hostname: 'replique-2',
          database: {
            status: 'up',
            server_version: '15.10',
            migration_version: 3,
            migration_expected: 3,
          },
        }),
    });
    renderApp('/systeme', fetch);
    expect(await screen.findByText('replique-2')).toBeInTheDocument();
    expect(screen.getByText('abc1234')).toBeInTheDocument();
    expect(screen.getByText('1 h 2 min')).toBeInTheDocument();
    expect(screen.getByText('Disponible')).toBeInTheDocument();
  });

  it('has a not-found page', async () => {
    renderApp('/nulle-part', fakeFetch({}));
    expect(await screen.findByRole('heading', { name: 'Page introuvable' })).toBeInTheDocument();
  });
});
