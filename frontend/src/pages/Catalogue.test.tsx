import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeFetch, json, produit, renderApp } from '../test/helpers';
import { PREMIERE_RANGEE } from './Catalogue';

const categories = [
  { nom: 'Audio', nombre_produits: 4 },
  { nom: 'Claviers', nombre_produits: 4 },
];

function catalogue(produits = [produit({ id: 1 }), produit({ id: 2, nom: 'Souris', stock: 0 })]) {
  return fakeFetch({
    'GET /api/categories': () => json(categories),
    'GET /api/produits': () =>
      json(produits, {
        headers: {
          'X-Total-Count': '30',
          Link: '</api/produits?page=2&par_page=12>; rel="next", </api/produits?page=3&par_page=12>; rel="last"',
        },
      }),
  });
}

describe('Catalogue', () => {
  it('shows a skeleton, then the cards with price, stock badge and pagination', async () => {
    renderApp('/', catalogue());
    expect(screen.getByText('Chargement du catalogue…')).toBeInTheDocument();
    const cards = await screen.findAllByRole('article');
    expect(cards).toHaveLength(2);
    expect(within(cards[0]).getByRole('link', { name: 'Clavier mécanique' })).toHaveAttribute(
      'href',
      '/produits/1',
    );
    expect(within(cards[0]).getByText('64,90 €')).toBeInTheDocument();
    expect(within(cards[0]).getByText('En stock : 10')).toBeInTheDocument();
    expect(within(cards[1]).getByText('Rupture de stock')).toBeInTheDocument();
    expect(
      within(cards[1]).getByRole('button', { name: 'Ajouter au panier, Souris' }),
    ).toBeDisabled();
    expect(screen.getByText('30 produits')).toBeInTheDocument();
    const nav = screen.getByRole('navigation', { name: 'Pagination' });
    expect(within(nav).getByText('Page 1 sur 3')).toBeInTheDocument();
    expect(within(nav).getByRole('button', { name: 'Précédent' })).toBeDisabled();
  });

  it('gives every card a picture: the first row at once, the others lazily', async () => {
    const produits = Array.from({ length: 6 }, (_, i) =>
      produit({ id: i + 1, nom: `Produit ${i + 1}`, categorie: i === 0 ? 'Audio' : 'Bureau' }),
    );
    renderApp('/', catalogue(produits));
    await screen.findAllByRole('article');
    const images = screen.getAllByRole('img');
    expect(images.map((img) => img.getAttribute('loading'))).toEqual([
      ...Array<string>(PREMIERE_RANGEE).fill('eager'),
      ...Array<string>(6 - PREMIERE_RANGEE).fill('lazy'),
    ]);
    expect(images[0]).toHaveAccessibleName('Produit 1 (illustration de la catégorie Audio)');
    expect(images[1]).toHaveAccessibleName('Produit 2 (illustration)');
  });

  it('goes to the next page from the Link header', async () => {
    const fetch = catalogue();
    const { user, memory } = renderApp('/', fetch);
    await user.click(await screen.findByRole('button', { name: 'Suivant' }));
    await waitFor(() => expect(fetch.calls.at(-1)?.url.searchParams.get('page')).toBe('2'));
    expect(memory.history.at(-1)).toBe('/?page=2');
  });

  it('filters by category and sorts, in the URL and the request', async () => {
    const fetch = catalogue();
    const { user } = renderApp('/', fetch);
    const select = screen.getByLabelText('Catégorie');
    await screen.findByRole('option', { name: 'Audio (4)' });
    await user.selectOptions(select, 'Audio');
    await user.selectOptions(screen.getByLabelText('Trier par'), 'Prix décroissant');
    await waitFor(() => {
      const last = fetch.calls.filter((c) => c.url.pathname === '/api/produits').at(-1)!;
      expect(last.url.searchParams.get('categorie')).toBe('Audio');
      expect(last.url.searchParams.get('tri')).toBe('-prix');
    });
  });

  it('debounces the search: one request for the final text', async () => {
    const fetch = catalogue();
    const { user } = renderApp('/', fetch);
    await screen.findAllByRole('article');
    await user.type(screen.getByLabelText('Rechercher'), 'souris');
    await waitFor(() =>
      expect(fetch.calls.some((c) => c.url.searchParams.get('q') === 'souris')).toBe(true),
    );
    const searches = fetch.calls.filter((c) => c.url.searchParams.has('q'));
    expect(searches.map((c) => c.url.searchParams.get('q'))).toEqual(['souris']);
  });

  it('shows an error with Réessayer, and retrying recovers', async () => {
    let down = true;
    const fetch = fakeFetch({
      'GET /api/categories': () => json(categories),
      'GET /api/produits': () =>
        down
          ? new Response('Bad Gateway', { status: 502 })
          : json([produit()], { headers: { 'X-Total-Count': '1' } }),
    });
    const { user } = renderApp('/', fetch);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Impossible de charger le catalogue.');
    expect(alert).toHaveTextContent('momentanément indisponible');
    down = false;
    await user.click(within(alert).getByRole('button', { name: 'Réessayer' }));
    expect(await screen.findAllByRole('article')).toHaveLength(1);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows an empty state that clears the filters', async () => {
    const fetch = fakeFetch({
      'GET /api/categories': () => json(categories),
      'GET /api/produits': (url) =>
        url.searchParams.has('q')
          ? json([], { headers: { 'X-Total-Count': '0' } })
          : json([produit()], { headers: { 'X-Total-Count': '1' } }),
    });
    const { user } = renderApp('/?q=zzz', fetch);
    expect(
      await screen.findByText('Aucun produit ne correspond à votre recherche.'),
    ).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Effacer les filtres' }));
    expect(await screen.findAllByRole('article')).toHaveLength(1);
    expect(screen.getByLabelText('Rechercher')).toHaveValue('');
  });

  it('adds to the cart from a card, up to the stock', async () => {
    const { user } = renderApp('/', catalogue([produit({ id: 5, nom: 'Casque', stock: 1 })]));
    const button = await screen.findByRole('button', { name: 'Ajouter au panier, Casque' });
    await user.click(button);
    expect(button).toHaveAccessibleName('Au panier (1), Casque');
    expect(button).toBeDisabled();
    expect(screen.getByRole('link', { name: /Panier \(1\)/ })).toBeInTheDocument();
  });
});
