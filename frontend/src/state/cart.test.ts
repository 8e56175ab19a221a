import { describe, expect, it } from 'vitest';
import { produit } from '../test/helpers';
import {
  addToCart,
  cartCount,
  cartStore,
  clearCart,
  refreshLine,
  removeFromCart,
  setQuantity,
} from './cart';

describe('cart', () => {
  it('is kept in localStorage', () => {
    addToCart(produit({ id: 4 }), 2);
    expect(JSON.parse(localStorage.getItem('boutique.panier')!)).toEqual([
      { produit_id: 4, nom: 'Clavier mécanique', prix: 64.9, stock: 10, quantite: 2 },
    ]);
  });

  it('caps quantities at the stock', () => {
    const p = produit({ stock: 3 });
    expect(addToCart(p, 2)).toBe(2);
    expect(addToCart(p, 5)).toBe(3);
    setQuantity(p.id, 99);
    expect(cartStore.get()[0].quantite).toBe(3);
    setQuantity(p.id, 0);
    expect(cartStore.get()[0].quantite).toBe(1);
  });

  it('never adds a product out of stock', () => {
    addToCart(produit({ stock: 0 }));
    expect(cartStore.get()).toEqual([]);
  });

  it('lowers the quantity when the stock fell and takes the new price', () => {
    const p = produit({ stock: 10 });
    addToCart(p, 5);
    refreshLine({ ...p, stock: 2, prix: 59.9 });
    expect(cartStore.get()[0]).toMatchObject({ quantite: 2, stock: 2, prix: 59.9 });
  });

  it('counts, removes and clears', () => {
    addToCart(produit({ id: 1 }), 2);
    addToCart(produit({ id: 2 }), 3);
    expect(cartCount(cartStore.get())).toBe(5);
    removeFromCart(1);
    expect(cartStore.get().map((l) => l.produit_id)).toEqual([2]);
    clearCart();
    expect(cartStore.get()).toEqual([]);
  });

  it('ignores corrupt storage', () => {
    localStorage.setItem('boutique.panier', '{not json');
    expect(cartStore.get()).toEqual([]);
    localStorage.setItem('boutique.panier', JSON.stringify([{ produit_id: 'x' }, 3]));
    expect(cartStore.get()).toEqual([]);
  });
});
