import { useState } from 'react';
import { Link, useParams } from 'wouter';
import { ApiError } from '../api/client';
import { useApi } from '../api/context';
import { ProductImage } from '../components/ProductCard';
import { ErrorState, Loading, StockBadge } from '../components/ui';
import { formatPrix } from '../lib/format';
import { useAsync } from '../lib/useAsync';
import { usePageTitle } from '../lib/usePageTitle';
import { addToCart, useCart } from '../state/cart';

export default function ProductPage() {
  const api = useApi();
  const { id } = useParams<{ id: string }>();
  const produitId = Number(id);
  const valid = Number.isInteger(produitId) && produitId > 0;
  const produit = useAsync(
    (signal) =>
      valid
        ? api.getProduit(produitId, signal)
        : Promise.reject(new ApiError(404, { title: 'Produit introuvable' })),
    [api, produitId, valid],
  );
  const cart = useCart();
  const [quantity, setQuantity] = useState(1);
  const [message, setMessage] = useState('');
  usePageTitle(produit.data?.nom ?? 'Produit');

  if (produit.status === 'loading') return <Loading label="Chargement du produit…" />;
  if (produit.status === 'error') {
    if (produit.error instanceof ApiError && produit.error.status === 404) {
      return (
        <>
          <h1>Produit introuvable</h1>
          <p>
            Ce produit n’existe pas ou a été retiré. <Link href="/">Retour au catalogue</Link>
          </p>
        </>
      );
    }
    return (
      <>
        <h1>Produit</h1>
        <ErrorState
          title="Impossible de charger ce produit."
          error={produit.error}
          onRetry={produit.reload}
        />
      </>
    );
  }

  const p = produit.data;
  const inCart = cart.find((l) => l.produit_id === p.id)?.quantite ?? 0;
  const restant = Math.max(0, p.stock - inCart);

  return (
    <article className="fiche">
      <p>
        <Link href="/">← Catalogue</Link>
      </p>
      <ProductImage produit={p} eager />
      <div>
        <h1>{p.nom}</h1>
        <p className="carte-categorie">{p.categorie}</p>
        <p className="prix prix-grand">{formatPrix(p.prix)}</p>
        <StockBadge stock={p.stock} />
        {p.description && <p className="description">{p.description}</p>}
        {p.stock > 0 && (
          <form
            className="ajout"
            onSubmit={(e) => {
              e.preventDefault();
              const total = addToCart(p, Math.min(quantity, restant));
              setMessage(`Ajouté au panier : ${total} au total.`);
              setQuantity(1);
            }}
          >
            <div className="champ">
              <label htmlFor="quantite">Quantité</label>
              <input
                id="quantite"
                type="number"
                inputMode="numeric"
                min={1}
                max={Math.max(1, restant)}
                value={quantity}
                disabled={restant === 0}
                onChange={(e) =>
                  setQuantity(
                    Math.max(1, Math.min(restant, Math.floor(Number(e.target.value)) || 1)),
                  )
                }
              />
            </div>
            <button type="submit" className="bouton" disabled={restant === 0}>
              Ajouter au panier
            </button>
          </form>
        )}
        <p role="status" className="message">
          {restant === 0 && inCart > 0
            ? `Tout le stock disponible est dans votre panier (${inCart}).`
            : message}
          {message && (
            <>
              {' '}
              <Link href="/panier">Voir le panier</Link>
            </>
          )}
        </p>
      </div>
    </article>
  );
}
