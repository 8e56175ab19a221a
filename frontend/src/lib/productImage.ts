// Which picture a product shows, and what it says to those who cannot see it.
// An admin's image_url wins; otherwise the illustration of the product's category (hand-drawn SVGs in
// src/assets/categories/, one per demo category), or a generic one for a category without its own.
// The SVGs are imported as URLs: Vite emits them as content-hashed files in dist/assets/ (nginx caches
// those for a year, immutable) and never inlines them (vite.config.ts), so they are not JS.
import accessoires from '../assets/categories/accessoires.svg';
import audio from '../assets/categories/audio.svg';
import claviers from '../assets/categories/claviers.svg';
import ecrans from '../assets/categories/ecrans.svg';
import ordinateurs from '../assets/categories/ordinateurs.svg';
import generique from '../assets/categories/produit.svg';
import reseau from '../assets/categories/reseau.svg';
import souris from '../assets/categories/souris.svg';
import stockage from '../assets/categories/stockage.svg';
import type { Produit } from '../api/client';

/** The intrinsic size of every illustration (16:9, the ratio of `.vignette`). */
export const IMAGE_WIDTH = 320;
export const IMAGE_HEIGHT = 180;

const PAR_CATEGORIE: Record<string, string> = {
  accessoires,
  audio,
  claviers,
  ecrans,
  ordinateurs,
  reseau,
  souris,
  stockage,
};

/** "Écrans", "écrans ", "ECRANS" → "ecrans". */
function cle(categorie: string): string {
  return categorie.normalize('NFD').replace(/\p{M}/gu, '').trim().toLowerCase();
}

export interface ProductImageChoice {
  src: string;
  alt: string;
  /** true for the admin's image_url, which may fail to load (then the caller falls back). */
  fromProduit: boolean;
}

/**
 * The picture for a product. `broken` is an image_url that failed to load in this page: the
 * category's illustration is shown instead of a broken image.
 */
export function productImage(
  produit: Pick<Produit, 'nom' | 'categorie' | 'image_url'>,
  broken?: string,
): ProductImageChoice {
  const url = produit.image_url?.trim();
  if (url && url !== broken) return { src: url, alt: produit.nom, fromProduit: true };
  const illustration = PAR_CATEGORIE[cle(produit.categorie)];
  return illustration
    ? {
        src: illustration,
        alt: `${produit.nom} (illustration de la catégorie ${produit.categorie.trim()})`,
        fromProduit: false,
      }
    : { src: generique, alt: `${produit.nom} (illustration)`, fromProduit: false };
}
