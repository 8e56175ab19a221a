import type { Produit } from '../api/client';
import { createStoredValue, useStoredValue } from '../lib/store';

export interface CartLine {
  produit_id: number;
  nom: string;
  prix: number;
  /** Stock last seen for this product: the quantity never exceeds it. */
  stock: number;
  quantite: number;
}

function isLine(x: unknown): x is CartLine {
  if (!x || typeof x !== 'object') return false;
  const l = x as Record<string, unknown>;
  return (
    typeof l.produit_id === 'number' &&
    typeof l.nom === 'string' &&
    typeof l.prix === 'number' &&
    typeof l.stock === 'number' &&
    typeof l.quantite === 'number'
  );
}

const EMPTY: CartLine[] = [];

export const cartStore = createStoredValue<CartLine[]>('boutique.panier', (raw) =>
  Array.isArray(raw) ? raw.filter(isLine) : EMPTY,
);

function clamp(quantity: number, stock: number): number {
  if (!Number.isFinite(quantity)) return 1;
  return Math.max(0, Math.min(Math.floor(quantity), stock));
}

function save(lines: CartLine[]) {
  cartStore.set(lines.filter((l) => l.quantite > 0));
}

/** Adds `quantity` of a product; returns the quantity now in the cart (capped at stock). */
export function addToCart(produit: Produit, quantity = 1): number {
  const lines = cartStore.get();
  const existing = lines.find((l) => l.produit_id === produit.id);
  const wanted = (existing?.quantite ?? 0) + quantity;
  const line: CartLine = {
    produit_id: produit.id,
    nom: produit.nom,
    prix: produit.prix,
    stock: produit.stock,
    quantite: clamp(wanted, produit.stock),
  };
  save(existing ? lines.map((l) => (l.produit_id === produit.id ? line : l)) : [...lines, line]);
  return line.quantite;
}

export function setQuantity(produitId: number, quantity: number) {
  save(
    cartStore
      .get()
      .map((l) =>
        l.produit_id === produitId ? { ...l, quantite: Math.max(1, clamp(quantity, l.stock)) } : l,
      ),
  );
}

export function removeFromCart(produitId: number) {
  save(cartStore.get().filter((l) => l.produit_id !== produitId));
}

/** Refreshes name, price and stock from the catalogue, lowering the quantity when stock fell. */
export function refreshLine(produit: Pick<Produit, 'id' | 'nom' | 'prix' | 'stock'>) {
  const lines = cartStore.get();
  if (!lines.some((l) => l.produit_id === produit.id)) return;
  cartStore.set(
    lines.map((l) =>
      l.produit_id === produit.id
        ? {
            ...l,
            nom: produit.nom,
            prix: produit.prix,
            stock: produit.stock,
            quantite: clamp(l.quantite, produit.stock),
          }
        : l,
    ),
  );
}

export function clearCart() {
  cartStore.set(null);
}

export function useCart(): CartLine[] {
  return useStoredValue(cartStore);
}

export function cartCount(lines: CartLine[]): number {
  return lines.reduce((n, l) => n + l.quantite, 0);
}
