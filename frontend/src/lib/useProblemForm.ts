import { useState } from 'react';
import { ApiError } from '../api/client';
import { errorMessage } from './errors';

export interface FormFailure {
  /** field → message, shown next to each field */
  fields?: Record<string, string>;
  /** a message for the whole form */
  message?: string;
}

/** The API's field errors (422 problem+json `errors`), else one sentence for the form. */
export function describeFailure(error: unknown): FormFailure {
  if (error instanceof ApiError && Object.keys(error.fieldErrors).length > 0) {
    return { fields: error.fieldErrors };
  }
  return { message: errorMessage(error) };
}

/** State of a form that sends to the API: busy flag, form error, per-field errors. */
export function useProblemForm(describe: (error: unknown) => FormFailure = describeFailure) {
  const [sending, setSending] = useState(false);
  const [error, setError] = useState('');
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});

  /** Runs action; on failure shows what describe() makes of it. On success the caller navigates. */
  async function submit(action: () => Promise<void>) {
    setSending(true);
    setError('');
    setFieldErrors({});
    try {
      await action();
    } catch (e) {
      const failure = describe(e);
      setFieldErrors(failure.fields ?? {});
      setError(failure.message ?? '');
      setSending(false);
    }
  }

  return { sending, error, fieldErrors, submit };
}
