import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { addToCart, cartStore } from '../state/cart';
import { fakeFetch, json, produit, renderApp, signedIn } from '../test/helpers';

const clavier = produit({ id: 3, nom: 'Clavier', prix: 64.9, stock: 5 });
const souris = produit({ id: 4, nom: 'Souris', prix: 20, stock: 9 });

const commande = {
  id: 7,
  utilisateur_id: 2,
  statut: 'validee',
  total: 129.8,
  created_at: '2026-11-25T10:00:00Z',
  lignes: [{ produit_id: 3, nom: 'Clavier', quantite: 2, prix_unitaire: 64.9, sous_total: 129.8 }],
};

function api(extra: Parameters<typeof fakeFetch>[0] = {}) {
  return fakeFetch({
    'GET /api/produits/3': () => json(clavier),
    'GET /api/produits/4': () => json(souris),
    ...extra,
  });
}

describe('CartPage', () => {
  it('shows lines and the total, and asks to sign in before ordering', async () => {
    addToCart(clavier, 2);
    addToCart(souris, 1);
    renderApp('/panier', api());
    expect(await screen.findByText('149,80 €')).toBeInTheDocument();
    expect(screen.getAllByLabelText('Quantité').map((i) => (i as HTMLInputElement).value)).toEqual([
      '2',
      '1',
    ]);
    expect(screen.getByRole('link', { name: 'Se connecter pour commander' })).toHaveAttribute(
      'href',
      '/connexion?retour=/panier',
    );
    expect(screen.queryByRole('button', { name: 'Commander' })).not.toBeInTheDocument();
  });

  it('caps the quantity at the stock and refreshes stale lines from the API', async () => {
    addToCart({ ...clavier, stock: 50 }, 8); // the cart was filled when 50 were in stock
    const { user } = renderApp('/panier', api());
    const input = await screen.findByLabelText('Quantité');
    await waitFor(() => expect(input).toHaveValue(5));
    await user.clear(input);
    await user.type(input, '9');
    expect(cartStore.get()[0].quantite).toBe(5);
  });

  it('orders, empties the cart and shows the confirmation', async () => {
    signedIn();
    addToCart(clavier, 2);
    const fetch = api({
      'POST /api/commandes': () => json(commande, { status: 201 }),
      'GET /api/commandes': () => json([commande]),
    });
    const { user, memory } = renderApp('/panier', fetch);
    await user.click(await screen.findByRole('button', { name: 'Commander' }));
    expect(await screen.findByText('Merci ! Votre commande est confirmée.')).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 1, name: 'Commande n° 7' })).toBeInTheDocument();
    expect(memory.history.at(-1)).toBe('/commandes/7?confirmee=1');
    expect(cartStore.get()).toEqual([]);
    const post = fetch.calls.find((c) => c.method === 'POST')!;
    expect(JSON.parse(post.init.body as string)).toEqual({
      lignes: [{ produit_id: 3, quantite: 2 }],
    });
    expect((post.init.headers as Record<string, string>)['Idempotency-Key']).toMatch(
      /^[0-9a-f]{32}$/,
    );
  });

  it('shows a 409 next to the product and adjusts its quantity', async () => {
    signedIn();
    addToCart(clavier, 4);
    addToCart(souris, 1);
    const fetch = api({
      'POST /api/commandes': () =>
        json(
          {
            type: '/problems/stock-insuffisant',
            title: 'Stock insuffisant',
            status: 409,
            produit_id: 3,
            nom: 'Clavier',
            stock_disponible: 1,
          },
          { status: 409 },
        ),
    });
    const { user } = renderApp('/panier', fetch);
    await user.click(await screen.findByRole('button', { name: 'Commander' }));
    const line = screen.getByRole('link', { name: 'Clavier' }).closest('li')!;
    expect(await within(line).findByRole('alert')).toHaveTextContent(
      'Stock insuffisant : plus que 1 disponible.',
    );
    const input = within(line).getByLabelText('Quantité');
    expect(input).toHaveValue(1);
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(input).toHaveAccessibleDescription(/Stock insuffisant/);
    const other = screen.getByRole('link', { name: 'Souris' }).closest('li')!;
    expect(within(other).queryByRole('alert')).not.toBeInTheDocument();
  });

  it('keeps the idempotency key when retrying after a network failure', async () => {
    signedIn();
    addToCart(clavier, 1);
    let attempt = 0;
    const fetch = api({
      'POST /api/commandes': () => {
        attempt += 1;
        if (attempt === 1) throw new TypeError('Failed to fetch');
        return json(commande, { status: 201 });
      },
      'GET /api/commandes': () => json([commande]),
    });
    const { user } = renderApp('/panier', fetch);
    await user.click(await screen.findByRole('button', { name: 'Commander' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('La commande n’a pas abouti.');
    await user.click(screen.getByRole('button', { name: 'Commander' }));
    await screen.findByText('Merci ! Votre commande est confirmée.');
    const keys = fetch.calls
      .filter((c) => c.method === 'POST')
      .map((c) => (c.init.headers as Record<string, string>)['Idempotency-Key']);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
  });

  it('shows an empty cart', () => {
    renderApp('/panier', api());
    return expect(screen.findByText('Votre panier est vide.')).resolves.toBeInTheDocument();
  });
});
