import { useApi } from '../api/context';
import { ErrorState, Loading } from '../components/ui';
import { useAsync } from '../lib/useAsync';
import { usePageTitle } from '../lib/usePageTitle';

function duree(seconds: number): string {
  const j = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  if (j > 0) return `${j} j ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min ${s} s`;
  return `${s} s`;
}

export default function SystemPage() {
  usePageTitle('Système');
  const api = useApi();
  const info = useAsync((signal) => api.info(signal), [api]);

  return (
    <>
      <h1>Système</h1>
      {info.status === 'loading' && <Loading label="Interrogation de l’API…" />}
      {info.status === 'error' && (
        <ErrorState title="L’API ne répond pas." error={info.error} onRetry={info.reload} />
      )}
      {info.status === 'ok' && (
        <>
          <dl className="infos">
            <dt>Service</dt>
            <dd>{info.data.name}</dd>
            <dt>Version</dt>
            <dd>{info.data.version}</dd>
            <dt>Commit</dt>
            <dd>
              <code>{info.data.commit}</code>
            </dd>
            <dt>Réplique (hôte)</dt>
            <dd>{info.data.hostname}</dd>
            <dt>Démarrée depuis</dt>
            <dd>{duree(info.data.uptime_seconds)}</dd>
            <dt>Base de données</dt>
            <dd>
              {info.data.database.status === 'up' ? (
                <span className="badge badge-ok">Disponible</span>
              ) : (
                <span className="badge badge-rupture">Injoignable</span>
              )}
            </dd>
            {info.data.database.server_version && (
              <>
                <dt>PostgreSQL</dt>
                <dd>{info.data.database.server_version}</dd>
              </>
            )}
            <dt>Migrations</dt>
            <dd>
              {info.data.database.migration_version ?? '?'} /{' '}
              {info.data.database.migration_expected}
            </dd>
          </dl>
          <button type="button" className="bouton bouton-secondaire" onClick={info.reload}>
            Actualiser
          </button>
        </>
      )}
    </>
  );
}
