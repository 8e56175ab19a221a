import { useState } from 'react';
import { Link, useSearchParams } from 'wouter';
import type { Produit } from '../api/client';
import { useApi } from '../api/context';
import { Pagination } from '../components/Pagination';
import { ErrorState, Loading } from '../components/ui';
import { errorMessage } from '../lib/errors';
import { formatPrix } from '../lib/format';
import { useAsync } from '../lib/useAsync';

const PAR_PAGE = 50;

function DeleteButton({ produit, onDeleted }: { produit: Produit; onDeleted: () => void }) {
  const api = useApi();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState('');
  if (!confirming) {
    return (
      <button
        type="button"
        className="bouton-lien danger"
        aria-label={`Supprimer ${produit.nom}`}
        onClick={() => setConfirming(true)}
      >
        Supprimer
      </button>
    );
  }
  return (
    <span className="confirmer">
      <button
        type="button"
        className="bouton bouton-danger"
        autoFocus
        onClick={async () => {
          try {
            await api.deleteProduit(produit.id);
            onDeleted();
          } catch (e) {
            setError(errorMessage(e));
          }
        }}
      >
        Confirmer la suppression de {produit.nom}
      </button>
      <button type="button" className="bouton-lien" onClick={() => setConfirming(false)}>
        Annuler
      </button>
      {error && (
        <span className="champ-erreur" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}

export function AdminProducts() {
  const api = useApi();
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);
  const liste = useAsync(
    (signal) => api.listProduits({ page, par_page: PAR_PAGE, tri: 'nom' }, signal),
    [api, page],
  );
  const [notice, setNotice] = useState(params.get('enregistre') ? 'Produit enregistré.' : '');

  return (
    <>
      <h1>Administration des produits</h1>
      <p>
        <Link className="bouton" href="/produits/nouveau">
          Nouveau produit
        </Link>
      </p>
      <p role="status">{notice}</p>
      {liste.status === 'loading' && <Loading label="Chargement des produits…" />}
      {liste.status === 'error' && (
        <ErrorState
          title="Impossible de charger les produits."
          error={liste.error}
          onRetry={liste.reload}
        />
      )}
      {liste.status === 'ok' && (
        <div className="tableau-defilant">
          <table>
            <caption className="sr-only">Produits ({liste.data.total})</caption>
            <thead>
              <tr>
                <th scope="col">Nom</th>
                <th scope="col">Catégorie</th>
                <th scope="col">Prix</th>
                <th scope="col">Stock</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {liste.data.produits.map((p) => (
                <tr key={p.id}>
                  <th scope="row">{p.nom}</th>
                  <td>{p.categorie}</td>
                  <td>{formatPrix(p.prix)}</td>
                  <td>{p.stock}</td>
                  <td className="actions">
                    <Link href={`/produits/${p.id}`} aria-label={`Modifier ${p.nom}`}>
                      Modifier
                    </Link>
                    <DeleteButton
                      produit={p}
                      onDeleted={() => {
                        setNotice(`« ${p.nom} » a été supprimé.`);
                        liste.reload();
                      }}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pagination
            links={liste.data.links}
            label={`Page ${page}`}
            onPage={(n) => setParams({ page: String(n) })}
          />
        </div>
      )}
    </>
  );
}
