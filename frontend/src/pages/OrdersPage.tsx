import { Link, useParams, useSearchParams } from 'wouter';
import type { Commande } from '../api/client';
import { useApi } from '../api/context';
import { ErrorState, Loading } from '../components/ui';
import { formatDate, formatPrix } from '../lib/format';
import { useAsync } from '../lib/useAsync';
import { usePageTitle } from '../lib/usePageTitle';
import { useSession } from '../state/session';

const STATUTS: Record<string, string> = { validee: 'Validée' };

function CommandeDetail({ commande, titre }: { commande: Commande; titre?: boolean }) {
  const Heading = titre ? 'h1' : 'h2';
  return (
    <section className="commande" aria-labelledby={`commande-${commande.id}`}>
      <Heading id={`commande-${commande.id}`}>Commande n° {commande.id}</Heading>
      <p className="commande-meta">
        {formatDate(commande.created_at)} · {STATUTS[commande.statut] ?? commande.statut}
      </p>
      <table>
        <caption className="sr-only">Lignes de la commande n° {commande.id}</caption>
        <thead>
          <tr>
            <th scope="col">Produit</th>
            <th scope="col">Quantité</th>
            <th scope="col">Prix unitaire</th>
            <th scope="col">Sous-total</th>
          </tr>
        </thead>
        <tbody>
          {commande.lignes.map((l) => (
            <tr key={l.produit_id}>
              <td>
                <Link href={`/produits/${l.produit_id}`}>{l.nom}</Link>
              </td>
              <td>{l.quantite}</td>
              <td>{formatPrix(l.prix_unitaire)}</td>
              <td>{formatPrix(l.sous_total)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={3}>
              Total
            </th>
            <td>{formatPrix(commande.total)}</td>
          </tr>
        </tfoot>
      </table>
    </section>
  );
}

function NeedLogin({ retour }: { retour: string }) {
  return (
    <p>
      <Link href={`/connexion?retour=${encodeURIComponent(retour)}`}>Connectez-vous</Link> pour voir
      vos commandes.
    </p>
  );
}

export function OrdersPage() {
  usePageTitle('Mes commandes');
  const api = useApi();
  const session = useSession();
  const token = session?.token;
  const commandes = useAsync(
    (signal) => (token ? api.listCommandes(signal) : Promise.resolve([])),
    [api, token],
  );

  if (!session) {
    return (
      <>
        <h1>Mes commandes</h1>
        <NeedLogin retour="/commandes" />
      </>
    );
  }
  return (
    <>
      <h1>Mes commandes</h1>
      {commandes.status === 'loading' && <Loading label="Chargement des commandes…" />}
      {commandes.status === 'error' && (
        <ErrorState
          title="Impossible de charger vos commandes."
          error={commandes.error}
          onRetry={commandes.reload}
        />
      )}
      {commandes.status === 'ok' && commandes.data.length === 0 && (
        <p className="etat">
          Vous n’avez pas encore passé de commande. <Link href="/">Voir le catalogue</Link>
        </p>
      )}
      {commandes.status === 'ok' &&
        [...commandes.data]
          .sort((a, b) => b.id - a.id)
          .map((c) => <CommandeDetail key={c.id} commande={c} />)}
    </>
  );
}

export function OrderPage() {
  const api = useApi();
  const session = useSession();
  const token = session?.token;
  const { id } = useParams<{ id: string }>();
  const [params] = useSearchParams();
  const confirmee = params.get('confirmee') === '1';
  usePageTitle(confirmee ? 'Commande confirmée' : `Commande n° ${id}`);
  const commandes = useAsync(
    (signal) => (token ? api.listCommandes(signal) : Promise.resolve([])),
    [api, token],
  );

  if (!session) {
    return (
      <>
        <h1>Commande n° {id}</h1>
        <NeedLogin retour={`/commandes/${id}`} />
      </>
    );
  }
  if (commandes.status === 'loading') return <Loading label="Chargement de la commande…" />;
  if (commandes.status === 'error') {
    return (
      <>
        <h1>Commande n° {id}</h1>
        <ErrorState
          title="Impossible de charger la commande."
          error={commandes.error}
          onRetry={commandes.reload}
        />
      </>
    );
  }
  const commande = commandes.data.find((c) => String(c.id) === id);
  if (!commande) {
    return (
      <>
        <h1>Commande introuvable</h1>
        <p>
          <Link href="/commandes">Mes commandes</Link>
        </p>
      </>
    );
  }
  return (
    <>
      {confirmee && (
        <div className="confirmation" role="status">
          <p className="etat-titre">Merci ! Votre commande est confirmée.</p>
        </div>
      )}
      <CommandeDetail commande={commande} titre />
      <p>
        <Link href="/commandes">Toutes mes commandes</Link> ·{' '}
        <Link href="/">Continuer mes achats</Link>
      </p>
    </>
  );
}
