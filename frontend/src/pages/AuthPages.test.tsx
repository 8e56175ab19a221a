import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { sessionStore } from '../state/session';
import { fakeFetch, json, renderApp } from '../test/helpers';

const session = {
  token: 'jeton',
  expires_at: '2099-01-01T00:00:00Z',
  utilisateur: { id: 2, nom: 'Client', role: 'user' as const },
};

describe('LoginPage', () => {
  it('signs in and goes back where it was asked to', async () => {
    const fetch = fakeFetch({ 'POST /api/auth/login': () => json(session) });
    const { user, memory } = renderApp('/connexion?retour=/panier', fetch);
    await user.type(await screen.findByLabelText('Adresse e-mail'), 'client@boutique.local');
    await user.type(screen.getByLabelText('Mot de passe'), 'secret-secret');
    await user.click(screen.getByRole('button', { name: 'Se connecter' }));
    expect(await screen.findByRole('button', { name: 'Se déconnecter' })).toBeInTheDocument();
    expect(sessionStore.get()?.token).toBe('jeton');
    expect(memory.history.at(-1)).toBe('/panier');
    expect(JSON.parse(fetch.calls[0].init.body as string)).toEqual({
      email: 'client@boutique.local',
      password: 'secret-secret',
    });
  });

  it('never redirects to another site', async () => {
    const fetch = fakeFetch({ 'POST /api/auth/login': () => json(session) });
    const { user, memory } = renderApp('/connexion?retour=//evil.example', fetch);
    await user.type(await screen.findByLabelText('Adresse e-mail'), 'a@b.fr');
    await user.type(screen.getByLabelText('Mot de passe'), 'x');
    await user.click(screen.getByRole('button', { name: 'Se connecter' }));
    await screen.findByRole('button', { name: 'Se déconnecter' });
    expect(memory.history.at(-1)).toBe('/');
  });

  it('explains a wrong password and a throttled account', async () => {
    let status = 401;
    const fetch = fakeFetch({
      'POST /api/auth/login': () =>
        json({ status }, { status, headers: status === 429 ? { 'Retry-After': '30' } : {} }),
    });
    const { user } = renderApp('/connexion', fetch);
    await user.type(await screen.findByLabelText('Adresse e-mail'), 'a@b.fr');
    await user.type(screen.getByLabelText('Mot de passe'), 'faux');
    await user.click(screen.getByRole('button', { name: 'Se connecter' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('E-mail ou mot de passe incorrect.');
    status = 429;
    await user.click(screen.getByRole('button', { name: 'Se connecter' }));
    expect(await screen.findByText(/Réessayez dans 30 secondes/)).toBeInTheDocument();
  });
});

describe('SignupPage', () => {
  it('shows the API field errors next to the fields', async () => {
    const fetch = fakeFetch({
      'POST /api/utilisateurs': () =>
        json(
          {
            status: 422,
            title: 'Données invalides',
            errors: { password: 'doit contenir au moins 10 caractères' },
          },
          { status: 422 },
        ),
    });
    const { user } = renderApp('/inscription', fetch);
    await user.type(await screen.findByLabelText('Nom'), 'Alice');
    await user.type(screen.getByLabelText('Adresse e-mail'), 'alice@example.fr');
    await user.type(screen.getByLabelText('Mot de passe'), 'court');
    await user.click(screen.getByRole('button', { name: 'Créer mon compte' }));
    const password = screen.getByLabelText('Mot de passe');
    expect(await screen.findByText('doit contenir au moins 10 caractères')).toBeInTheDocument();
    expect(password).toHaveAttribute('aria-invalid', 'true');
    expect(password).toHaveAccessibleDescription(
      'Au moins 10 caractères. doit contenir au moins 10 caractères',
    );
    expect(screen.getByLabelText('Adresse e-mail')).toHaveAttribute('aria-invalid', 'false');
  });

  it('registers, then signs in', async () => {
    const fetch = fakeFetch({
      'POST /api/utilisateurs': () => json({ id: 9, nom: 'Alice', role: 'user' }, { status: 201 }),
      'POST /api/auth/login': () =>
        json({ ...session, utilisateur: { id: 9, nom: 'Alice', role: 'user' } }),
    });
    const { user } = renderApp('/inscription', fetch);
    await user.type(await screen.findByLabelText('Nom'), 'Alice');
    await user.type(screen.getByLabelText('Adresse e-mail'), 'alice@example.fr');
    await user.type(screen.getByLabelText('Mot de passe'), 'un long mot de passe');
    await user.click(screen.getByRole('button', { name: 'Créer mon compte' }));
    expect(await screen.findByText('Alice')).toBeInTheDocument();
    expect(fetch.calls.filter((c) => c.method === 'POST').map((c) => c.url.pathname)).toEqual([
      '/api/utilisateurs',
      '/api/auth/login',
    ]);
  });
});
