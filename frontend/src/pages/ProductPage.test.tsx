import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { cartStore } from '../state/cart';
import { fakeFetch, json, produit, renderApp } from '../test/helpers';

describe('ProductPage', () => {
  it('is deep-linkable and adds the chosen quantity, capped at stock', async () => {
    const fetch = fakeFetch({
      'GET /api/produits/12': () =>
        json(produit({ id: 12, nom: 'Écran 27 pouces', prix: 1899, stock: 3 })),
    });
    const { user } = renderApp('/produits/12', fetch);
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Écran 27 pouces' }),
    ).toBeInTheDocument();
    expect(screen.getByText('1 899,00 €')).toBeInTheDocument();
    expect(screen.getByText('Plus que 3 en stock')).toBeInTheDocument();
    await waitFor(() => expect(document.title).toBe('Écran 27 pouces — Ma Boutique'));

    const quantite = screen.getByLabelText('Quantité');
    await user.clear(quantite);
    await user.type(quantite, '7');
    expect(quantite).toHaveValue(3);
    await user.click(screen.getByRole('button', { name: 'Ajouter au panier' }));
    expect(cartStore.get()[0]).toMatchObject({ produit_id: 12, quantite: 3 });
    expect(
      screen.getByText('Tout le stock disponible est dans votre panier (3).'),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Ajouter au panier' })).toBeDisabled();
  });

  it('says when the product does not exist', async () => {
    const fetch = fakeFetch({
      'GET /api/produits/99': () =>
        json({ status: 404, title: 'Produit introuvable' }, { status: 404 }),
    });
    renderApp('/produits/99', fetch);
    expect(await screen.findByRole('heading', { name: 'Produit introuvable' })).toBeInTheDocument();
  });

  it('does not offer to buy a product out of stock', async () => {
    const fetch = fakeFetch({ 'GET /api/produits/5': () => json(produit({ id: 5, stock: 0 })) });
    renderApp('/produits/5', fetch);
    expect(await screen.findByText('Rupture de stock')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Ajouter au panier' })).not.toBeInTheDocument();
  });
});
