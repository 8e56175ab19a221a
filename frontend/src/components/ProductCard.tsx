import { useState } from 'react';
import { Link } from 'wouter';
import type { Produit } from '../api/client';
import { formatPrix } from '../lib/format';
import { IMAGE_HEIGHT, IMAGE_WIDTH, productImage } from '../lib/productImage';
import { addToCart, useCart } from '../state/cart';
import { StockBadge } from './ui';

/**
 * The product's picture (lib/productImage.ts) in a box of fixed ratio: width/height attributes and
 * `.vignette`'s aspect-ratio reserve its place before it loads (no layout shift). `eager` for what is
 * above the fold (the catalogue's first row, the product page); the rest waits until scrolled near.
 */
export function ProductImage({ produit, eager = false }: { produit: Produit; eager?: boolean }) {
  const [broken, setBroken] = useState<string>();
  const image = productImage(produit, broken);
  return (
    <img
      className="vignette"
      src={image.src}
      alt={image.alt}
      width={IMAGE_WIDTH}
      height={IMAGE_HEIGHT}
      loading={eager ? 'eager' : 'lazy'}
      decoding="async"
      onError={image.fromProduit ? () => setBroken(image.src) : undefined}
    />
  );
}

export function ProductCard({ produit, eager = false }: { produit: Produit; eager?: boolean }) {
  const cart = useCart();
  const inCart = cart.find((l) => l.produit_id === produit.id)?.quantite ?? 0;
  const full = produit.stock <= 0 || inCart >= produit.stock;
  return (
    <article className="carte" aria-labelledby={`produit-${produit.id}`}>
      <ProductImage produit={produit} eager={eager} />
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
