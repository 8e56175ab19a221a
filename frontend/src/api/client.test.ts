import { describe, expect, it, vi } from 'vitest';
import { json, fakeFetch, produit } from '../test/helpers';
import { ApiError, createApiClient, parseLinkHeader } from './client';

describe('parseLinkHeader', () => {
  it('reads the page of each relation', () => {
    const header =
      '</api/produits?page=1&par_page=12>; rel="first", </api/produits?page=1&par_page=12>; rel="prev", ' +
      '</api/produits?page=3&par_page=12>; rel="next", </api/produits?page=3&par_page=12>; rel="last"';
    expect(parseLinkHeader(header)).toEqual({ first: 1, prev: 1, next: 3, last: 3 });
  });

  it('ignores missing, unknown and malformed parts', () => {
    expect(parseLinkHeader(null)).toEqual({});
    expect(parseLinkHeader('<x?page=2>; rel="self", garbage, <y?page=0>; rel="next"')).toEqual({});
  });
});

describe('createApiClient', () => {
  it('lists products with the query, total and links', async () => {
    const fetch = fakeFetch({
      'GET /api/produits': () =>
        json([produit()], {
          headers: {
            'X-Total-Count': '25',
            Link: '</api/produits?page=3&par_page=12>; rel="next"',
          },
        }),
    });
    const api = createApiClient({ fetch });
    const page = await api.listProduits({
      categorie: 'Écrans',
      q: '  souris ',
      tri: '-prix',
      page: 2,
      par_page: 12,
    });
    expect(page).toEqual({ produits: [produit()], total: 25, links: { next: 3 } });
    const { url } = fetch.calls[0];
    expect(Object.fromEntries(url.searchParams)).toEqual({
      categorie: 'Écrans',
      q: 'souris',
      tri: '-prix',
      page: '2',
      par_page: '12',
    });
  });

  it('omits empty parameters and page 1', async () => {
    const fetch = fakeFetch({ 'GET /api/produits': () => json([]) });
    await createApiClient({ fetch }).listProduits({ q: '   ', page: 1 });
    expect(fetch.calls[0].url.search).toBe('');
  });

  it('turns a problem+json into an ApiError with field errors', async () => {
    const problem = {
      type: '/problems/validation',
      title: 'Données invalides',
      status: 422,
      detail: '1 champ invalide',
      errors: { prix: 'doit être un montant' },
    };
    const fetch = fakeFetch({ 'POST /api/produits': () => json(problem, { status: 422 }) });
    const api = createApiClient({ fetch, getToken: () => 'abc' });
    const error = await api
      .createProduit({
        nom: 'x',
        categorie: 'y',
        prix: 'z',
        stock: 1,
        description: '',
        image_url: '',
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(422);
    expect((error as ApiError).fieldErrors).toEqual({ prix: 'doit être un montant' });
    expect((error as ApiError).message).toBe('1 champ invalide');
    const headers = fetch.calls[0].init.headers as Record<string, string>;
    expect(headers.Authorization).toBe('Bearer abc');
    expect(headers['Content-Type']).toBe('application/json');
  });

  it('reports a network failure as status 0 and a proxy error page as unavailable', async () => {
    const down = createApiClient({
      fetch: () => Promise.reject(new TypeError('Failed to fetch')),
    });
    const e1 = (await down.info().catch((e: unknown) => e)) as ApiError;
    expect(e1.status).toBe(0);
    expect(e1.unavailable).toBe(true);

    const badGateway = createApiClient({
      fetch: async () =>
        new Response('<html>502 Bad Gateway</html>', {
          status: 502,
          headers: { 'Content-Type': 'text/html' },
        }),
    });
    const e2 = (await badGateway.listCategories().catch((e: unknown) => e)) as ApiError;
    expect(e2.status).toBe(502);
    expect(e2.unavailable).toBe(true);
  });

  it('sends the order with its idempotency key and exposes a 409 stock problem', async () => {
    const fetch = fakeFetch({
      'POST /api/commandes': () =>
        json(
          {
            type: '/problems/stock-insuffisant',
            status: 409,
            title: 'Stock insuffisant',
            produit_id: 3,
            nom: 'Clavier',
            stock_disponible: 1,
          },
          { status: 409 },
        ),
    });
    const api = createApiClient({ fetch, getToken: () => 't' });
    const error = (await api
      .createCommande([{ produit_id: 3, quantite: 2 }], 'cle-1')
      .catch((e: unknown) => e)) as ApiError;
    expect(error.problem).toMatchObject({ produit_id: 3, stock_disponible: 1 });
    const { init } = fetch.calls[0];
    expect(JSON.parse(init.body as string)).toEqual({ lignes: [{ produit_id: 3, quantite: 2 }] });
    expect((init.headers as Record<string, string>)['Idempotency-Key']).toBe('cle-1');
  });

  it('calls onUnauthorized on a 401 to an authenticated route, and reads Retry-After', async () => {
    const onUnauthorized = vi.fn();
    const fetch = fakeFetch({
      'GET /api/commandes': () => json({ status: 401, title: 'Non authentifié' }, { status: 401 }),
      'POST /api/auth/login': () =>
        json(
          { status: 429, title: 'Trop de tentatives' },
          { status: 429, headers: { 'Retry-After': '42' } },
        ),
    });
    const api = createApiClient({ fetch, getToken: () => 'vieux', onUnauthorized });
    await expect(api.listCommandes()).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).toHaveBeenCalledOnce();
    await expect(api.login('a@b.fr', 'x')).rejects.toMatchObject({ status: 429, retryAfter: 42 });
    expect(onUnauthorized).toHaveBeenCalledOnce();
  });

  it('does not send a token to public routes', async () => {
    const fetch = fakeFetch({ 'GET /api/produits/7': () => json(produit({ id: 7 })) });
    await createApiClient({ fetch, getToken: () => 'secret' }).getProduit(7);
    expect((fetch.calls[0].init.headers as Record<string, string>).Authorization).toBeUndefined();
  });
});
