// The one typed client for boutique-api (docs/api.md). Components never call fetch: they get a
// client from <ApiProvider> (src/api/context.ts) and tests hand it a stubbed fetch.

import type { components, operations } from './schema.ts';

// The API's types are generated from api/openapi.json (src/api/schema.ts, by
// frontend/api-types/check.sh; `make test` fails when it is stale): one field added to the API is
// one edit of the document, and the compiler shows every place the UI must follow.
type Schemas = components['schemas'];

/** prix: exact decimal with two places, sent by the API as a JSON number (1899.00). */
export type Produit = Schemas['Produit'];
/** What the admin form sends: prix as a string keeps it exact ("1899.00"). */
export type ProduitInput = Schemas['ProduitInput'];
export type Categorie = Schemas['Categorie'];
export type Utilisateur = Schemas['Utilisateur'];
export type Session = Schemas['Session'];
export type Commande = Schemas['Commande'];
export type LigneCommande = Commande['lignes'][number];
export type SystemInfo = Schemas['Info'];
export type ProduitQuery = NonNullable<operations['listProduits']['parameters']['query']>;
export type Tri = NonNullable<ProduitQuery['tri']>;

export interface PageLinks {
  first?: number;
  prev?: number;
  next?: number;
  last?: number;
}

export interface ProduitPage {
  produits: Produit[];
  total: number;
  links: PageLinks;
}

/** RFC 9457 problem, with the API's extensions; partial: a network failure has only a title. */
export type Problem = Partial<Schemas['Problem']>;

/** Every failure: status 0 means the server could not be reached at all. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  readonly retryAfter: number | null;

  constructor(status: number, problem: Problem, retryAfter: number | null = null) {
    super(problem.detail ?? problem.title ?? `Erreur ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }

  get fieldErrors(): Record<string, string> {
    return this.problem.errors ?? {};
  }

  /** The service is away (network error, proxy 502/504, API 503): worth a retry. */
  get unavailable(): boolean {
    return this.status === 0 || this.status === 502 || this.status === 503 || this.status === 504;
  }
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface ApiClientOptions {
  /** Defaults to the global fetch, looked up at call time. */
  fetch?: FetchLike;
  /** Prefix for every path; empty means same origin (nginx or the Vite proxy serve /api). */
  baseUrl?: string;
  getToken?: () => string | null;
  /** Called when an authenticated request is answered 401 (expired or revoked token). */
  onUnauthorized?: () => void;
}

interface RequestOptions {
  body?: unknown;
  signal?: AbortSignal;
  auth?: boolean;
  headers?: Record<string, string>;
}

/** Extracts the page number of each relation from an RFC 8288 Link header. */
export function parseLinkHeader(header: string | null): PageLinks {
  const links: PageLinks = {};
  if (!header) return links;
  for (const part of header.split(',')) {
    const match = /<([^>]*)>\s*;\s*rel="?([a-z]+)"?/i.exec(part.trim());
    if (!match) continue;
    const rel = match[2].toLowerCase();
    if (rel !== 'first' && rel !== 'prev' && rel !== 'next' && rel !== 'last') continue;
    const query = match[1].split('?')[1] ?? '';
    const page = Number(new URLSearchParams(query).get('page') ?? '1');
    if (Number.isInteger(page) && page >= 1) links[rel] = page;
  }
  return links;
}

function queryString(query: ProduitQuery): string {
  const params = new URLSearchParams();
  if (query.categorie) params.set('categorie', query.categorie);
  if (query.q && query.q.trim()) params.set('q', query.q.trim());
  if (query.tri) params.set('tri', query.tri);
  if (query.page && query.page > 1) params.set('page', String(query.page));
  if (query.par_page) params.set('par_page', String(query.par_page));
  const text = params.toString();
  return text ? `?${text}` : '';
}

async function readProblem(response: Response): Promise<Problem> {
  const type = response.headers.get('Content-Type') ?? '';
  if (type.includes('json')) {
    try {
      const body: unknown = await response.json();
      if (body && typeof body === 'object') return body as Problem;
    } catch {
      // fall through: a proxy's error page or a truncated body
    }
  }
  return { status: response.status, title: response.statusText || `Erreur ${response.status}` };
}

export function createApiClient(options: ApiClientOptions = {}) {
  const baseUrl = options.baseUrl ?? '';
  const doFetch: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

  async function send(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    const token = options.getToken?.() ?? null;
    if (opts.auth && token) headers.Authorization = `Bearer ${token}`;
    let response: Response;
    try {
      response = await doFetch(baseUrl + path, { method, headers, body, signal: opts.signal });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiError(0, {
        title: 'Serveur injoignable',
        detail: 'Le serveur est injoignable.',
      });
    }
    if (!response.ok) {
      const problem = await readProblem(response);
      const retry = Number(response.headers.get('Retry-After'));
      if (response.status === 401 && opts.auth) options.onUnauthorized?.();
      throw new ApiError(
        response.status,
        problem,
        Number.isFinite(retry) && retry > 0 ? retry : null,
      );
    }
    return response;
  }

  async function json<T>(method: string, path: string, opts?: RequestOptions): Promise<T> {
    const response = await send(method, path, opts);
    return (await response.json()) as T;
  }

  return {
    async listProduits(query: ProduitQuery = {}, signal?: AbortSignal): Promise<ProduitPage> {
      const response = await send('GET', `/api/produits${queryString(query)}`, { signal });
      const produits = (await response.json()) as Produit[];
      const total = Number(response.headers.get('X-Total-Count') ?? produits.length);
      return { produits, total, links: parseLinkHeader(response.headers.get('Link')) };
    },
    getProduit: (id: number, signal?: AbortSignal) =>
      json<Produit>('GET', `/api/produits/${id}`, { signal }),
    listCategories: (signal?: AbortSignal) =>
      json<Categorie[]>('GET', '/api/categories', { signal }),
    createProduit: (input: ProduitInput) =>
      json<Produit>('POST', '/api/produits', { body: input, auth: true }),
    updateProduit: (id: number, input: ProduitInput) =>
      json<Produit>('PUT', `/api/produits/${id}`, { body: input, auth: true }),
    async deleteProduit(id: number): Promise<void> {
      await send('DELETE', `/api/produits/${id}`, { auth: true });
    },
    register: (input: { nom: string; email: string; password: string }) =>
      json<Utilisateur>('POST', '/api/utilisateurs', { body: input }),
    /** `appareil`: the device token an earlier login of this account returned, if any. */
    login: (email: string, password: string, appareil?: string) =>
      json<Session>('POST', '/api/auth/login', { body: { email, password, appareil } }),
    async logout(): Promise<void> {
      await send('POST', '/api/auth/logout', { auth: true });
    },
    moi: (signal?: AbortSignal) =>
      json<Utilisateur>('GET', '/api/auth/moi', { auth: true, signal }),
    createCommande: (lignes: { produit_id: number; quantite: number }[], idempotencyKey: string) =>
      json<Commande>('POST', '/api/commandes', {
        body: { lignes },
        auth: true,
        headers: { 'Idempotency-Key': idempotencyKey },
      }),
    listCommandes: (signal?: AbortSignal) =>
      json<Commande[]>('GET', '/api/commandes', { auth: true, signal }),
    info: (signal?: AbortSignal) => json<SystemInfo>('GET', '/api/info', { signal }),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
