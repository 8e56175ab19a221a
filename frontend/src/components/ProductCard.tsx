import { Link } from 'wouter';
import type { Produit } from '../api/client';
import { formatPrix } from '../lib/format';
import { addToCart, useCart } from '../state/cart';
import { StockBadge } from './ui';

export function ProductImage({ produit }: { produit: Produit }) {
  if (produit.image_url) {
    return <img className="vignette" src={produit.image_url} alt="" loading="lazy" />;
  }
  return (
    <div className="vignette vignette-vide" aria-hidden="true">
      {produit.categorie.slice(0, 1)}
    </div>
  );
}

export function ProductCard({ produit }: { produit: Produit }) {
  const cart = useCart();
  const inCart = cart.find((l) => l.produit_id === produit.id)?.quantite ?? 0;
  const full = produit.stock <= 0 || inCart >= produit.stock;
  return (
    <article className="carte" aria-labelledby={`produit-${produit.id}`}>
      <ProductImage produit={produit} />
      <div className="carte-corps">
        <h2 className="carte-titre" id={`produit-${produit.id}`}>
          <Link href={`/produits/${produit.id}`}>{produit.nom}</Link>
        </h2>
        <p className="carte-categorie">{produit.categorie}</p>
        <p className="prix">{formatPrix(produit.prix)}</p>
        <StockBadge stock={produit.stock} />
        <button
          type="button"
          className="bouton bouton-secondaire"
          disabled={full}
          onClick={() => addToCart(produit)}
        >
          {inCart > 0 ? `Au panier (${inCart})` : 'Ajouter au panier'}
          <span className="sr-only">, {produit.nom}</span>
        </button>
      </div>
    </article>
  );
}
