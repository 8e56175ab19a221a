import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useLocation, useParams } from 'wouter';
import type { Produit } from '../api/client';
import { useApi } from '../api/context';
import { ErrorState, Field, FormError, Loading } from '../components/ui';
import { useAsync } from '../lib/useAsync';
import { usePageTitle } from '../lib/usePageTitle';
import { describeFailure, useProblemForm, type FormFailure } from '../lib/useProblemForm';
import {
  checkInput,
  EMPTY,
  fromProduit,
  IMAGE_URL_MAX,
  InvalidInput,
  toInput,
  type FormValues,
} from './productInput';

/** Field errors next to the fields; errors on fields the form does not have are listed above. */
function productFailure(e: unknown): FormFailure {
  if (e instanceof InvalidInput) return { fields: e.fields };
  const failure = describeFailure(e);
  const others = Object.entries(failure.fields ?? {}).filter(([k]) => !(k in EMPTY));
  if (others.length) failure.message = others.map(([k, m]) => `${k} : ${m}`).join(' ; ');
  return failure;
}

function Editor({ produit }: { produit: Produit | null }) {
  const api = useApi();
  const [, navigate] = useLocation();
  const [values, setValues] = useState<FormValues>(produit ? fromProduit(produit) : EMPTY);
  const form = useProblemForm(productFailure);
  const categories = useAsync((signal) => api.listCategories(signal), [api]);
  const formRef = useRef<HTMLFormElement>(null);

  // After a refused save, take the keyboard to the first field in error.
  useEffect(() => {
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [form.fieldErrors]);

  function submit(e: FormEvent) {
    e.preventDefault();
    void form.submit(async () => {
      checkInput(values);
      const saved = produit
        ? await api.updateProduit(produit.id, toInput(values))
        : await api.createProduit(toInput(values));
      navigate(`/?enregistre=${saved.id}`);
    });
  }

  const bind = (key: keyof FormValues) => ({
    value: values[key],
    onChange: (e: { target: { value: string } }) =>
      setValues((v) => ({ ...v, [key]: e.target.value })),
  });

  return (
    <form ref={formRef} onSubmit={submit} noValidate className="formulaire-produit">
      <Field id="nom" label="Nom" error={form.fieldErrors.nom}>
        {(props) => <input {...props} required maxLength={200} {...bind('nom')} />}
      </Field>
      <Field id="categorie" label="Catégorie" error={form.fieldErrors.categorie}>
        {(props) => (
          <>
            <input {...props} required list="categories" maxLength={100} {...bind('categorie')} />
            <datalist id="categories">
              {categories.data?.map((c) => (
                <option key={c.nom} value={c.nom} />
              ))}
            </datalist>
          </>
        )}
      </Field>
      <Field id="prix" label="Prix (€)" hint="Par exemple 49,90" error={form.fieldErrors.prix}>
        {(props) => <input {...props} required inputMode="decimal" {...bind('prix')} />}
      </Field>
      <Field id="stock" label="Stock" error={form.fieldErrors.stock}>
        {(props) => (
          <input {...props} required type="number" min={0} inputMode="numeric" {...bind('stock')} />
        )}
      </Field>
      <Field id="description" label="Description" error={form.fieldErrors.description}>
        {(props) => <textarea {...props} rows={4} maxLength={5000} {...bind('description')} />}
      </Field>
      <Field
        id="image_url"
        label="Image (URL)"
        hint="Facultatif : un chemin (/images/…) ou une URL http(s). Vide : l’illustration de la catégorie."
        error={form.fieldErrors.image_url}
      >
        {(props) => <input {...props} maxLength={IMAGE_URL_MAX} {...bind('image_url')} />}
      </Field>
      <FormError message={form.error} />
      <div className="boutons">
        <button type="submit" className="bouton" disabled={form.sending}>
          {produit ? 'Enregistrer' : 'Créer le produit'}
        </button>
        <Link href="/">Annuler</Link>
      </div>
    </form>
  );
}

export function ProductForm() {
  const api = useApi();
  const { id } = useParams<{ id?: string }>();
  const editing = id !== undefined;
  usePageTitle(editing ? 'Modifier un produit' : 'Nouveau produit');
  const produit = useAsync(
    (signal) => (editing ? api.getProduit(Number(id), signal) : Promise.resolve(null)),
    [api, id, editing],
  );

  return (
    <>
      <p>
        <Link href="/">← Administration</Link>
      </p>
      <h1>{editing ? 'Modifier un produit' : 'Nouveau produit'}</h1>
      {produit.status === 'loading' && <Loading label="Chargement du produit…" />}
      {produit.status === 'error' && (
        <ErrorState
          title="Impossible de charger ce produit."
          error={produit.error}
          onRetry={produit.reload}
        />
      )}
      {produit.status === 'ok' && <Editor key={id ?? 'nouveau'} produit={produit.data} />}
    </>
  );
}
