import { lazy, Suspense, useEffect, useRef, type ReactNode } from 'react';
import { Link, Route, Switch, useLocation } from 'wouter';
import { useApi } from './api/context';
import { Loading } from './components/ui';
import { usePageTitle } from './lib/usePageTitle';
import Catalogue from './pages/Catalogue';
import { cartCount, useCart } from './state/cart';
import { sessionRemainingMs, sessionStore, useSession } from './state/session';

// The catalogue is the landing page and ships in the entry chunk; every other page is loaded on
// first visit (the admin area is the biggest, see docs/performance.md).
const ProductPage = lazy(() => import('./pages/ProductPage'));
const CartPage = lazy(() => import('./pages/CartPage'));
const OrdersPage = lazy(() =>
  import('./pages/OrdersPage').then((m) => ({ default: m.OrdersPage })),
);
const OrderPage = lazy(() => import('./pages/OrdersPage').then((m) => ({ default: m.OrderPage })));
const LoginPage = lazy(() => import('./pages/AuthPages').then((m) => ({ default: m.LoginPage })));
const SignupPage = lazy(() => import('./pages/AuthPages').then((m) => ({ default: m.SignupPage })));
const SystemPage = lazy(() => import('./pages/SystemPage'));
const AdminArea = lazy(() => import('./admin/AdminArea'));

function NotFound() {
  usePageTitle('Page introuvable');
  return (
    <>
      <h1>Page introuvable</h1>
      <p>
        Cette adresse ne correspond à aucune page. <Link href="/">Retour au catalogue</Link>
      </p>
    </>
  );
}

function Header() {
  const api = useApi();
  const session = useSession();
  const count = cartCount(useCart());
  const [location, navigate] = useLocation();
  const current = (path: string) =>
    (path === '/' ? location === '/' : location.startsWith(path)) ? 'page' : undefined;

  const links: [string, ReactNode][] = [
    ['/', 'Catalogue'],
    [
      '/panier',
      <>
        Panier <span className="compteur">({count})</span>
      </>,
    ],
  ];
  if (session) links.push(['/commandes', 'Mes commandes']);
  if (session?.utilisateur.role === 'admin') links.push(['/admin', 'Administration']);
  links.push(['/systeme', 'Système']);

  async function logout() {
    try {
      await api.logout();
    } catch {
      // the token is dropped locally either way
    }
    sessionStore.set(null);
    navigate('/');
  }

  return (
    <header className="entete">
      <Link href="/" className="logo">
        Ma Boutique
      </Link>
      <nav aria-label="Navigation principale">
        <ul>
          {links.map(([href, label]) => (
            <li key={href}>
              <Link href={href} aria-current={current(href)}>
                {label}
              </Link>
            </li>
          ))}
          {session ? (
            <li className="compte">
              <span className="utilisateur">{session.utilisateur.nom}</span>
              <button type="button" className="bouton-lien" onClick={logout}>
                Se déconnecter
              </button>
            </li>
          ) : (
            <li>
              <Link href="/connexion" aria-current={current('/connexion')}>
                Se connecter
              </Link>
            </li>
          )}
        </ul>
      </nav>
    </header>
  );
}

function useSessionExpiry() {
  const session = useSession();
  useEffect(() => {
    if (!session) return;
    // setTimeout fires at once past 2^31 - 1 ms (24.8 days): clamp (tokens last 24 h anyway).
    const delay = Math.min(Math.max(0, sessionRemainingMs(session)), 2 ** 31 - 1);
    const timer = setTimeout(() => sessionStore.set(null), delay);
    return () => clearTimeout(timer);
  }, [session]);
}

export default function App() {
  useSessionExpiry();
  const [location] = useLocation();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);

  // After client-side navigation, move focus to the new page so keyboard and screen-reader users
  // start from its content (not on the first load: the browser handles that).
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus();
    window.scrollTo(0, 0);
  }, [location]);

  return (
    <>
      <a className="lien-evitement" href="#contenu">
        Aller au contenu
      </a>
      <Header />
      <main id="contenu" ref={main} tabIndex={-1}>
        <Suspense fallback={<Loading label="Chargement…" />}>
          <Switch>
            <Route path="/" component={Catalogue} />
            <Route path="/produits/:id" component={ProductPage} />
            <Route path="/panier" component={CartPage} />
            <Route path="/commandes" component={OrdersPage} />
            <Route path="/commandes/:id" component={OrderPage} />
            <Route path="/connexion" component={LoginPage} />
            <Route path="/inscription" component={SignupPage} />
            <Route path="/systeme" component={SystemPage} />
            <Route path="/admin" nest component={AdminArea} />
            <Route component={NotFound} />
          </Switch>
        </Suspense>
      </main>
      <footer className="pied">Ma Boutique — démonstration</footer>
    </>
  );
}
