import { Link, Route, Switch } from 'wouter';
import { usePageTitle } from '../lib/usePageTitle';
import { useSession } from '../state/session';
import { AdminProducts } from './AdminProducts';
import { ProductForm } from './ProductForm';

/** Everything under /admin: a separate chunk, loaded only when an admin opens it. */
export default function AdminArea() {
  const session = useSession();
  usePageTitle('Administration');
  if (!session) {
    return (
      <>
        <h1>Administration</h1>
        <p>
          <Link href="~/connexion?retour=/admin">Connectez-vous</Link> avec un compte
          administrateur.
        </p>
      </>
    );
  }
  if (session.utilisateur.role !== 'admin') {
    return (
      <>
        <h1>Administration</h1>
        <p role="alert">Cette page est réservée aux administrateurs.</p>
      </>
    );
  }
  return (
    <Switch>
      <Route path="/" component={AdminProducts} />
      <Route path="/produits/nouveau" component={ProductForm} />
      <Route path="/produits/:id" component={ProductForm} />
      <Route>
        <h1>Page introuvable</h1>
        <Link href="/">Administration</Link>
      </Route>
    </Switch>
  );
}
