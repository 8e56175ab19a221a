import type { Produit, ProduitInput } from '../api/client';

export interface FormValues {
  nom: string;
  categorie: string;
  prix: string;
  stock: string;
  description: string;
  image_url: string;
}

export const EMPTY: FormValues = {
  nom: '',
  categorie: '',
  prix: '',
  stock: '0',
  description: '',
  image_url: '',
};

export function fromProduit(p: Produit): FormValues {
  return {
    nom: p.nom,
    categorie: p.categorie,
    prix: p.prix.toFixed(2),
    stock: String(p.stock),
    description: p.description ?? '',
    image_url: p.image_url ?? '',
  };
}

/** French users type "12,50": the API wants "12.50". Anything else is left for the API to judge. */
export function toInput(values: FormValues): ProduitInput {
  const stock = values.stock.trim();
  return {
    nom: values.nom.trim(),
    categorie: values.categorie.trim(),
    prix: values.prix.trim().replace(/\s/g, '').replace(',', '.'),
    // Not a whole number: NaN is sent as null and the API names the field.
    stock: /^\d+$/.test(stock) ? Number(stock) : Number.NaN,
    description: values.description,
    image_url: values.image_url.trim(),
  };
}

export const IMAGE_URL_MAX = 500;

/**
 * The API's rule for image_url (api/src/domain/produit.cpp, acceptable_image_url), checked before
 * sending so the admin reads a precise French sentence: empty, a path on this site ("/…", not "//…"), or an
 * http(s) URL; no space, quote, angle bracket or backslash; at most 500 characters.
 */
export function imageUrlError(value: string): string | undefined {
  const url = value.trim();
  if ([...url].length > IMAGE_URL_MAX) return `ne doit pas dépasser ${IMAGE_URL_MAX} caractères`;
  if (url === '') return undefined;
  // "//host/x" is another site's address without a scheme, not a path of this one.
  if (!/^(\/(?!\/)|https?:\/\/)/.test(url)) {
    return 'doit être un chemin du site commençant par « / » (par exemple /images/clavier.svg) ou une adresse commençant par https:// ou http://';
  }
  if (/[\s"'<>\\]/.test(url)) {
    return 'ne doit contenir ni espace, ni guillemet, ni « < », « > » ou « \\ »';
  }
  return undefined;
}

/** Field errors found before sending (the API checks everything again). */
export class InvalidInput extends Error {
  readonly fields: Record<string, string>;

  constructor(fields: Record<string, string>) {
    super('Données invalides');
    this.name = 'InvalidInput';
    this.fields = fields;
  }
}

/** Throws InvalidInput when a field is known to be refused by the API. */
export function checkInput(values: FormValues): void {
  const image = imageUrlError(values.image_url);
  if (image) throw new InvalidInput({ image_url: image });
}
