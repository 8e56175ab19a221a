import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeFetch, json, produit, renderApp, signedIn } from '../test/helpers';

const categories = () => json([{ nom: 'Claviers', nombre_produits: 4 }]);

describe('admin product form', () => {
  it('shows each problem+json field error next to its field and focuses the first', async () => {
    signedIn('admin');
    const fetch = fakeFetch({
      'GET /api/categories': categories,
      'POST /api/produits': () =>
        json(
          {
            type: '/problems/validation',
            title: 'Données invalides',
            status: 422,
            errors: {
              nom: 'est obligatoire',
              prix: 'doit être un montant entre 0 et 1000000 avec au plus 2 décimales',
            },
          },
          { status: 422 },
        ),
    });
    const { user } = renderApp('/admin/produits/nouveau', fetch);
    await user.type(await screen.findByLabelText('Prix (€)'), '12,345');
    await user.click(screen.getByRole('button', { name: 'Créer le produit' }));

    const nom = screen.getByLabelText('Nom');
    const prix = screen.getByLabelText('Prix (€)');
    await waitFor(() => expect(nom).toHaveAttribute('aria-invalid', 'true'));
    expect(nom).toHaveAccessibleDescription('est obligatoire');
    expect(prix).toHaveAccessibleDescription(/au plus 2 décimales/);
    expect(screen.getByLabelText('Stock')).toHaveAttribute('aria-invalid', 'false');
    expect(nom).toHaveFocus();
    // The French decimal comma is sent as a point, prix as an exact string.
    const body = JSON.parse(fetch.calls.find((c) => c.method === 'POST')!.init.body as string);
    expect(body).toMatchObject({ prix: '12.345', stock: 0 });
  });

  it('refuses an image URL the API would refuse, in French, without sending', async () => {
    signedIn('admin');
    const fetch = fakeFetch({ 'GET /api/categories': categories });
    const { user } = renderApp('/admin/produits/nouveau', fetch);
    await user.type(await screen.findByLabelText('Nom'), 'Tapis');
    const image = screen.getByLabelText('Image (URL)');
    await user.type(image, 'images/tapis.png');
    await user.click(screen.getByRole('button', { name: 'Créer le produit' }));
    await waitFor(() => expect(image).toHaveAttribute('aria-invalid', 'true'));
    expect(image).toHaveAccessibleDescription(/commençant par « \/ ».*https:\/\//);
    expect(image).toHaveFocus();
    expect(fetch.calls.filter((c) => c.method === 'POST')).toHaveLength(0);
  });

  it('edits a product with PUT and returns to the list', async () => {
    signedIn('admin');
    const p = produit({ id: 8, nom: 'Clavier', prix: 64.9, stock: 30 });
    const fetch = fakeFetch({
      'GET /api/categories': categories,
      'GET /api/produits/8': () => json(p),
      'PUT /api/produits/8': (_url, init) =>
        json({ ...p, prix: Number(JSON.parse(init.body as string).prix) }),
      'GET /api/produits': () =>
        json([{ ...p, prix: 59.9 }], { headers: { 'X-Total-Count': '1' } }),
    });
    const { user, memory } = renderApp('/admin/produits/8', fetch);
    const prix = await screen.findByLabelText('Prix (€)');
    expect(prix).toHaveValue('64.90');
    await user.clear(prix);
    await user.type(prix, '59,90');
    await user.click(screen.getByRole('button', { name: 'Enregistrer' }));
    expect(await screen.findByText('Produit enregistré.')).toBeInTheDocument();
    expect(memory.history.at(-1)).toBe('/admin/?enregistre=8');
    const put = fetch.calls.find((c) => c.method === 'PUT')!;
    expect(JSON.parse(put.init.body as string)).toEqual({
      nom: 'Clavier',
      categorie: 'Claviers',
      prix: '59.90',
      stock: 30,
      description: 'Un clavier.',
      image_url: '',
    });
    expect((put.init.headers as Record<string, string>).Authorization).toBe('Bearer jeton');
    expect(await screen.findByText('59,90 €')).toBeInTheDocument();
  });

  it('deletes after confirmation', async () => {
    signedIn('admin');
    let produits = [produit({ id: 8, nom: 'Clavier' })];
    const fetch = fakeFetch({
      'GET /api/produits': () => json(produits, { headers: { 'X-Total-Count': '1' } }),
      'DELETE /api/produits/8': () => {
        produits = [];
        return new Response(null, { status: 204 });
      },
    });
    const { user } = renderApp('/admin', fetch);
    await user.click(await screen.findByRole('button', { name: 'Supprimer Clavier' }));
    const confirm = screen.getByRole('button', { name: 'Confirmer la suppression de Clavier' });
    expect(confirm).toHaveFocus();
    await user.click(confirm);
    expect(await screen.findByText('« Clavier » a été supprimé.')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('row', { name: /Clavier/ })).toBeNull());
  });
});
