import { describe, expect, it } from 'vitest';
import { produit } from '../test/helpers';
import { productImage } from './productImage';

// Under Vitest an imported SVG is its source path; in the build, /assets/<name>-<hash>.svg.
const illustration = (name: string) =>
  expect.stringMatching(new RegExp(`/${name}(-[\\w-]+)?\\.svg$`));

describe('productImage', () => {
  it('shows the image an admin set, described by the product name', () => {
    expect(
      productImage(produit({ nom: 'Clavier K2', image_url: 'https://cdn.example/k2.webp' })),
    ).toEqual({ src: 'https://cdn.example/k2.webp', alt: 'Clavier K2', fromProduit: true });
    expect(productImage(produit({ image_url: ' /images/k2.png ' })).src).toBe('/images/k2.png');
  });

  it('falls back to the category illustration when image_url is empty', () => {
    const choice = productImage(produit({ nom: 'Dell XPS 13', categorie: 'Ordinateurs' }));
    expect(choice).toEqual({
      src: illustration('ordinateurs'),
      alt: 'Dell XPS 13 (illustration de la catégorie Ordinateurs)',
      fromProduit: false,
    });
    expect(productImage(produit({ image_url: '   ' })).src).toEqual(illustration('claviers'));
  });

  it('has an illustration for each of the eight demo categories, accents and case aside', () => {
    const demo = {
      Ordinateurs: 'ordinateurs',
      Claviers: 'claviers',
      Souris: 'souris',
      Écrans: 'ecrans',
      Audio: 'audio',
      Stockage: 'stockage',
      Réseau: 'reseau',
      Accessoires: 'accessoires',
    };
    for (const [categorie, file] of Object.entries(demo)) {
      expect(productImage(produit({ categorie })).src, categorie).toEqual(illustration(file));
    }
    expect(
      new Set(Object.keys(demo).map((c) => productImage(produit({ categorie: c })).src)).size,
    ).toBe(8);
    expect(productImage(produit({ categorie: ' écrans ' })).src).toEqual(illustration('ecrans'));
    expect(productImage(produit({ categorie: 'RESEAU' })).src).toEqual(illustration('reseau'));
  });

  it('gives an unknown category the generic picture', () => {
    expect(productImage(produit({ nom: 'Tapis', categorie: 'Bureau' }))).toEqual({
      src: illustration('produit'),
      alt: 'Tapis (illustration)',
      fromProduit: false,
    });
  });

  it('falls back to the category illustration when the admin image failed to load', () => {
    const p = produit({ categorie: 'Audio', image_url: '/images/absente.png' });
    expect(productImage(p, '/images/absente.png')).toMatchObject({
      src: illustration('audio'),
      fromProduit: false,
    });
    // Another URL (the admin changed it) is tried again.
    expect(productImage(p, '/images/ancienne.png').src).toBe('/images/absente.png');
  });
});
