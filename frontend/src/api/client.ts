// The one typed client for boutique-api (docs/api.md). Components never call fetch: they get a
// client from <ApiProvider> (src/api/context.ts) and tests hand it a stubbed fetch.

export interface Produit {
  id: number;
  nom: string;
  categorie: string;
  /** Exact decimal with two places, sent by the API as a JSON number (1899.00). */
  prix: number;
  stock: number;
  description: string | null;
  image_url: string | null;
  created_at: string;
  updated_at: string;
}

/** What the admin form sends: prix as a string keeps it exact ("1899.00"). */
export interface ProduitInput {
  nom: string;
  categorie: string;
  prix: string;
  stock: number;
  description: string;
  image_url: string;
}

export interface Categorie {
  nom: string;
  nombre_produits: number;
}

export interface Utilisateur {
  id: number;
  nom: string;
  role: 'admin' | 'user';
  email?: string;
}

export interface Session {
  token: string;
  expires_at: string;
  utilisateur: Utilisateur;
}

export interface LigneCommande {
  produit_id: number;
  nom: string;
  quantite: number;
  prix_unitaire: number;
  sous_total: number;
}

export interface Commande {
  id: number;
  utilisateur_id: number;
  statut: string;
  total: number;
  created_at: string;
  lignes: LigneCommande[];
}

export interface SystemInfo {
  name: string;
  version: string;
  commit: string;
  uptime_seconds: number;
  hostname: string;
  database: {
    status: 'up' | 'down';
    server_version: string | null;
    migration_version: number | null;
    migration_expected: number;
  };
}

export type Tri = 'prix' | '-prix' | 'nom' | 'recent';

export interface ProduitQuery {
  categorie?: string;
  q?: string;
  tri?: Tri;
  page?: number;
  par_page?: number;
}

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

/** RFC 9457 problem, with the API's extensions. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: Record<string, string>;
  produit_id?: number;
  nom?: string;
  stock_disponible?: number;
}

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
    login: (email: string, password: string) =>
      json<Session>('POST', '/api/auth/login', { body: { email, password } }),
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
