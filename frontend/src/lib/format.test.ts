import { describe, expect, it } from 'vitest';
import { formatPrix, pluriel, totalCents } from './format';

describe('formatPrix', () => {
  it('formats euros the French way', () => {
    // U+202F narrow no-break space groups thousands, U+00A0 precedes the sign.
    expect(formatPrix(1899)).toBe('1\u202f899,00\u00a0€');
    expect(formatPrix(64.9)).toBe('64,90\u00a0€');
    expect(formatPrix(0)).toBe('0,00\u00a0€');
  });
});

describe('totalCents', () => {
  it('adds in integer cents', () => {
    expect(
      totalCents([
        { prix: 0.1, quantite: 1 },
        { prix: 0.2, quantite: 1 },
      ]),
    ).toBe(30);
    expect(totalCents([{ prix: 64.9, quantite: 3 }])).toBe(19470);
  });
});

describe('pluriel', () => {
  it('agrees with the number', () => {
    expect(pluriel(0, 'produit')).toBe('0 produit');
    expect(pluriel(1, 'produit')).toBe('1 produit');
    expect(pluriel(28, 'produit')).toBe('28 produits');
  });
});
