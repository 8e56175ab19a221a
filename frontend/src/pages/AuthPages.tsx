import { useState, type FormEvent } from 'react';
import { Link, useLocation, useSearchParams } from 'wouter';
import { ApiError } from '../api/client';
import { useApi } from '../api/context';
import { Field, FormError } from '../components/ui';
import { usePageTitle } from '../lib/usePageTitle';
import { describeFailure, useProblemForm, type FormFailure } from '../lib/useProblemForm';
import { safeReturnPath, signIn } from '../state/session';

function loginFailure(e: unknown): FormFailure {
  if (e instanceof ApiError && e.status === 401)
    return { message: 'E-mail ou mot de passe incorrect.' };
  if (e instanceof ApiError && e.status === 429) {
    return { message: `Trop de tentatives. Réessayez dans ${e.retryAfter ?? 60} secondes.` };
  }
  return describeFailure(e);
}

function signupFailure(e: unknown): FormFailure {
  if (e instanceof ApiError && e.status === 409) {
    return { fields: { email: 'Cette adresse e-mail est déjà utilisée.' } };
  }
  return describeFailure(e);
}

interface Credentials {
  email: string;
  password: string;
}

function CredentialFields({
  values,
  errors,
  onChange,
  newPassword,
}: {
  values: Credentials;
  errors: Record<string, string>;
  onChange: (values: Credentials) => void;
  newPassword?: boolean;
}) {
  return (
    <>
      <Field id="email" label="Adresse e-mail" error={errors.email}>
        {(props) => (
          <input
            {...props}
            type="email"
            autoComplete="email"
            required
            value={values.email}
            onChange={(e) => onChange({ ...values, email: e.target.value })}
          />
        )}
      </Field>
      <Field
        id="password"
        label="Mot de passe"
        hint={newPassword ? 'Au moins 10 caractères.' : undefined}
        error={errors.password}
      >
        {(props) => (
          <input
            {...props}
            type="password"
            autoComplete={newPassword ? 'new-password' : 'current-password'}
            required
            value={values.password}
            onChange={(e) => onChange({ ...values, password: e.target.value })}
          />
        )}
      </Field>
    </>
  );
}

function useReturnPath() {
  const [params] = useSearchParams();
  const [, navigate] = useLocation();
  const retour = safeReturnPath(params.get('retour'));
  return { retour, goBack: () => navigate(retour) };
}

export function LoginPage() {
  usePageTitle('Connexion');
  const api = useApi();
  const { retour, goBack } = useReturnPath();
  const [credentials, setCredentials] = useState<Credentials>({ email: '', password: '' });
  const form = useProblemForm(loginFailure);

  function submit(e: FormEvent) {
    e.preventDefault();
    void form.submit(async () => {
      await signIn(api, credentials.email, credentials.password);
      goBack();
    });
  }

  return (
    <div className="formulaire-etroit">
      <h1>Connexion</h1>
      <form onSubmit={submit} noValidate>
        <CredentialFields
          values={credentials}
          errors={form.fieldErrors}
          onChange={setCredentials}
        />
        <FormError message={form.error} />
        <button type="submit" className="bouton" disabled={form.sending}>
          Se connecter
        </button>
      </form>
      <p>
        Pas encore de compte ?{' '}
        <Link href={`/inscription?retour=${encodeURIComponent(retour)}`}>Créer un compte</Link>
      </p>
    </div>
  );
}

export function SignupPage() {
  usePageTitle('Créer un compte');
  const api = useApi();
  const { retour, goBack } = useReturnPath();
  const [nom, setNom] = useState('');
  const [credentials, setCredentials] = useState<Credentials>({ email: '', password: '' });
  const form = useProblemForm(signupFailure);

  function submit(e: FormEvent) {
    e.preventDefault();
    void form.submit(async () => {
      await api.register({ nom, ...credentials });
      await signIn(api, credentials.email, credentials.password);
      goBack();
    });
  }

  return (
    <div className="formulaire-etroit">
      <h1>Créer un compte</h1>
      <form onSubmit={submit} noValidate>
        <Field id="nom" label="Nom" error={form.fieldErrors.nom}>
          {(props) => (
            <input
              {...props}
              autoComplete="name"
              required
              value={nom}
              onChange={(e) => setNom(e.target.value)}
            />
          )}
        </Field>
        <CredentialFields
          values={credentials}
          errors={form.fieldErrors}
          onChange={setCredentials}
          newPassword
        />
        <FormError message={form.error} />
        <button type="submit" className="bouton" disabled={form.sending}>
          Créer mon compte
        </button>
      </form>
      <p>
        Déjà un compte ?{' '}
        <Link href={`/connexion?retour=${encodeURIComponent(retour)}`}>Se connecter</Link>
      </p>
    </div>
  );
}
