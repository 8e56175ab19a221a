import { useEffect, useRef, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { ApiError } from '../api/client';
import { useApi } from '../api/context';
import { FormError } from '../components/ui';
import { errorMessage } from '../lib/errors';
import { formatPrix, totalCents } from '../lib/format';
import { usePageTitle } from '../lib/usePageTitle';
import {
  clearCart,
  refreshLine,
  removeFromCart,
  setQuantity,
  useCart,
  type CartLine,
} from '../state/cart';
import { useSession } from '../state/session';

function newIdempotencyKey(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export default function CartPage() {
  usePageTitle('Panier');
  const api = useApi();
  const lines = useCart();
  const session = useSession();
  const [, navigate] = useLocation();
  const [lineErrors, setLineErrors] = useState<Record<number, string>>({});
  const [error, setError] = useState('');
  const [sending, setSending] = useState(false);
  const key = useRef<string | null>(null);

  // Fresh prices and stock for what is in the cart (it may be days old).
  const ids = lines.map((l) => l.produit_id).join(',');
  useEffect(() => {
    const controller = new AbortController();
    for (const id of ids ? ids.split(',').map(Number) : []) {
      api.getProduit(id, controller.signal).then(refreshLine, (e: unknown) => {
        if (e instanceof ApiError && e.status === 404) {
          setLineErrors((prev) => ({ ...prev, [id]: 'Ce produit n’est plus disponible.' }));
        }
      });
    }
    return () => controller.abort();
  }, [api, ids]);

  // A changed cart is a new order: a new idempotency key.
  const signature = lines.map((l) => `${l.produit_id}x${l.quantite}`).join(',');
  useEffect(() => {
    key.current = null;
  }, [signature]);

  const commandables = lines.filter((l) => l.quantite > 0);

  async function commander() {
    setError('');
    setLineErrors({});
    setSending(true);
    key.current ??= newIdempotencyKey();
    try {
      const commande = await api.createCommande(
        commandables.map((l) => ({ produit_id: l.produit_id, quantite: l.quantite })),
        key.current,
      );
      clearCart();
      navigate(`/commandes/${commande.id}?confirmee=1`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && e.problem.produit_id !== undefined) {
        const dispo = e.problem.stock_disponible ?? 0;
        const id = e.problem.produit_id;
        setLineErrors({
          [id]:
            dispo > 0
              ? `Stock insuffisant : plus que ${dispo} disponible${dispo > 1 ? 's' : ''}. Quantité ajustée.`
              : 'Stock insuffisant : ce produit est en rupture de stock.',
        });
        const line = lines.find((l) => l.produit_id === id);
        if (line) refreshLine({ id, nom: line.nom, prix: line.prix, stock: dispo });
        key.current = null;
      } else if (e instanceof ApiError && e.status === 401) {
        setError('Votre session a expiré : reconnectez-vous pour commander.');
      } else {
        setError(`La commande n’a pas abouti. ${errorMessage(e)}`);
        if (!(e instanceof ApiError && e.unavailable)) key.current = null;
      }
    } finally {
      setSending(false);
    }
  }

  if (lines.length === 0) {
    return (
      <>
        <h1>Panier</h1>
        <div className="etat">
          <p className="etat-titre">Votre panier est vide.</p>
          <Link href="/">Parcourir le catalogue</Link>
        </div>
      </>
    );
  }

  return (
    <>
      <h1>Panier</h1>
      <ul className="panier">
        {lines.map((l: CartLine) => (
          <li key={l.produit_id} className="ligne-panier">
            <div className="ligne-nom">
              <Link href={`/produits/${l.produit_id}`}>{l.nom}</Link>
              <span className="prix-unitaire">{formatPrix(l.prix)} l’unité</span>
            </div>
            <div className="champ champ-quantite">
              <label htmlFor={`qte-${l.produit_id}`}>Quantité</label>
              <input
                id={`qte-${l.produit_id}`}
                type="number"
                inputMode="numeric"
                min={1}
                max={Math.max(1, l.stock)}
                value={l.quantite}
                aria-describedby={lineErrors[l.produit_id] ? `err-${l.produit_id}` : undefined}
                aria-invalid={Boolean(lineErrors[l.produit_id])}
                onChange={(e) => setQuantity(l.produit_id, Number(e.target.value))}
              />
            </div>
            <span className="sous-total">{formatPrix(totalCents([l]) / 100)}</span>
            <button
              type="button"
              className="bouton bouton-lien"
              aria-label={`Retirer ${l.nom} du panier`}
              onClick={() => removeFromCart(l.produit_id)}
            >
              Retirer
            </button>
            {lineErrors[l.produit_id] && (
              <p className="champ-erreur ligne-erreur" id={`err-${l.produit_id}`} role="alert">
                {lineErrors[l.produit_id]}
              </p>
            )}
          </li>
        ))}
      </ul>
      <p className="total">
        Total : <strong>{formatPrix(totalCents(lines) / 100)}</strong>
      </p>
      <FormError message={error} />
      {session ? (
        <button
          type="button"
          className="bouton"
          disabled={sending || commandables.length === 0}
          onClick={commander}
        >
          {sending ? 'Commande en cours…' : 'Commander'}
        </button>
      ) : (
        <p>
          <Link className="bouton" href="/connexion?retour=/panier">
            Se connecter pour commander
          </Link>
        </p>
      )}
    </>
  );
}
