import { useEffect, useState } from 'react';
import { useSearchParams } from 'wouter';
import type { Tri } from '../api/client';
import { useApi } from '../api/context';
import { Pagination } from '../components/Pagination';
import { ProductCard } from '../components/ProductCard';
import { ErrorState } from '../components/ui';
import { pluriel } from '../lib/format';
import { useAsync, useDebounced } from '../lib/useAsync';
import { usePageTitle } from '../lib/usePageTitle';

export const PAR_PAGE = 12;
/** Cards in the first row at the widest layout (main is 72rem, cards ≥ 15rem): their pictures load at
 * once, the others lazily. */
export const PREMIERE_RANGEE = 4;
const SEARCH_DELAY_MS = 300;

const TRIS: { value: Tri | ''; label: string }[] = [
  { value: '', label: 'Pertinence' },
  { value: 'prix', label: 'Prix croissant' },
  { value: '-prix', label: 'Prix décroissant' },
  { value: 'nom', label: 'Nom (A → Z)' },
  { value: 'recent', label: 'Nouveautés' },
];

function asTri(value: string | null): Tri | undefined {
  return TRIS.some((t) => t.value === value && value !== '') ? (value as Tri) : undefined;
}

/** As many placeholder cards as a page has: the footer stays where the loaded page puts it. */
function Skeleton() {
  return (
    <div aria-busy="true">
      <p className="sr-only" role="status">
        Chargement du catalogue…
      </p>
      <ul className="grille" aria-hidden="true">
        {Array.from({ length: PAR_PAGE }, (_, i) => (
          <li key={i} className="carte squelette">
            <div className="vignette" />
            <div className="carte-corps">
              <div className="ligne-squelette" />
              <div className="ligne-squelette courte" />
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}

export default function Catalogue() {
  usePageTitle('Catalogue');
  const api = useApi();
  const [params, setParams] = useSearchParams();
  const categorie = params.get('categorie') ?? '';
  const q = params.get('q') ?? '';
  const tri = asTri(params.get('tri'));
  const page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);

  const [saisie, setSaisie] = useState(q);
  const recherche = useDebounced(saisie.trim(), SEARCH_DELAY_MS);

  function update(changes: Record<string, string | null>) {
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [key, value] of Object.entries(changes)) {
          if (value) next.set(key, value);
          else next.delete(key);
        }
        return next;
      },
      { replace: true },
    );
  }

  useEffect(() => {
    if (recherche !== q) update({ q: recherche || null, page: null });
    // Only a new debounced search updates the URL.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [recherche]);

  const categories = useAsync((signal) => api.listCategories(signal), [api]);
  const liste = useAsync(
    (signal) => api.listProduits({ categorie, q, tri, page, par_page: PAR_PAGE }, signal),
    [api, categorie, q, tri, page],
  );

  const lastPage = liste.data
    ? Math.max(1, liste.data.links.last ?? Math.ceil(liste.data.total / PAR_PAGE))
    : 1;
  const filtered = Boolean(categorie || q);

  return (
    <>
      <h1>Catalogue</h1>
      <form className="filtres" role="search" onSubmit={(e) => e.preventDefault()}>
        <div className="champ">
          <label htmlFor="recherche">Rechercher</label>
          <input
            id="recherche"
            type="search"
            value={saisie}
            maxLength={100}
            placeholder="Nom ou description"
            onChange={(e) => setSaisie(e.target.value)}
          />
        </div>
        <div className="champ">
          <label htmlFor="categorie">Catégorie</label>
          <select
            id="categorie"
            value={categorie}
            onChange={(e) => update({ categorie: e.target.value || null, page: null })}
          >
            <option value="">Toutes les catégories</option>
            {categorie && !categories.data?.some((c) => c.nom === categorie) && (
              <option value={categorie}>{categorie}</option>
            )}
            {categories.data?.map((c) => (
              <option key={c.nom} value={c.nom}>
                {c.nom} ({c.nombre_produits})
              </option>
            ))}
          </select>
        </div>
        <div className="champ">
          <label htmlFor="tri">Trier par</label>
          <select
            id="tri"
            value={tri ?? ''}
            onChange={(e) => update({ tri: e.target.value || null, page: null })}
          >
            {TRIS.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </select>
        </div>
      </form>

      {liste.status === 'loading' && <Skeleton />}
      {liste.status === 'error' && (
        <ErrorState
          title="Impossible de charger le catalogue."
          error={liste.error}
          onRetry={liste.reload}
        />
      )}
      {liste.status === 'ok' && liste.data.produits.length === 0 && (
        <div className="etat" role="status">
          <p className="etat-titre">Aucun produit ne correspond à votre recherche.</p>
          {filtered && (
            <button
              type="button"
              className="bouton bouton-secondaire"
              onClick={() => {
                setSaisie('');
                update({ q: null, categorie: null, page: null });
              }}
            >
              Effacer les filtres
            </button>
          )}
        </div>
      )}
      {liste.status === 'ok' && liste.data.produits.length > 0 && (
        <>
          <p className="resultats" role="status">
            {pluriel(liste.data.total, 'produit')}
          </p>
          <ul className="grille">
            {liste.data.produits.map((p, i) => (
              <li key={p.id}>
                <ProductCard produit={p} eager={i < PREMIERE_RANGEE} />
              </li>
            ))}
          </ul>
          <Pagination
            links={liste.data.links}
            label={`Page ${page} sur ${lastPage}`}
            onPage={(n) => update({ page: n > 1 ? String(n) : null })}
          />
        </>
      )}
    </>
  );
}
