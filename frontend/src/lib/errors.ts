import { ApiError } from '../api/client';

/** A user-facing sentence for any failure. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.unavailable) return 'Le service est momentanément indisponible.';
    if (error.status === 404) return 'Introuvable.';
    return error.problem.detail ?? error.problem.title ?? `Erreur ${error.status}`;
  }
  return 'Une erreur inattendue est survenue.';
}
