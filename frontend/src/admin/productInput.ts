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
