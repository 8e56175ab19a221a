import type { ReactNode } from 'react';
import { errorMessage } from '../lib/errors';

export function ErrorState({
  title,
  error,
  onRetry,
}: {
  title: string;
  error: unknown;
  onRetry?: () => void;
}) {
  return (
    <div className="etat etat-erreur" role="alert">
      <p className="etat-titre">{title}</p>
      <p>{errorMessage(error)}</p>
      {onRetry && (
        <button type="button" className="bouton" onClick={onRetry}>
          Réessayer
        </button>
      )}
    </div>
  );
}

export function Loading({ label }: { label: string }) {
  return (
    <p className="chargement" role="status">
      {label}
    </p>
  );
}

export function StockBadge({ stock }: { stock: number }) {
  if (stock <= 0) return <span className="badge badge-rupture">Rupture de stock</span>;
  if (stock <= 5) return <span className="badge badge-faible">Plus que {stock} en stock</span>;
  return <span className="badge badge-ok">En stock : {stock}</span>;
}

/** Text input + label + error message wired with aria-invalid / aria-describedby. */
export function Field({
  id,
  label,
  error,
  hint,
  children,
}: {
  id: string;
  label: string;
  error?: string;
  hint?: string;
  children: (props: {
    id: string;
    'aria-invalid': boolean;
    'aria-describedby': string | undefined;
  }) => ReactNode;
}) {
  const described = [hint ? `${id}-aide` : null, error ? `${id}-erreur` : null]
    .filter(Boolean)
    .join(' ');
  return (
    <div className="champ">
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': Boolean(error), 'aria-describedby': described || undefined })}
      {hint && (
        <p className="champ-aide" id={`${id}-aide`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="champ-erreur" id={`${id}-erreur`}>
          {error}
        </p>
      )}
    </div>
  );
}

export function FormError({ message }: { message: string }) {
  return message ? (
    <p className="champ-erreur" role="alert">
      {message}
    </p>
  ) : null;
}
