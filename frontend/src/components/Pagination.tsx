import type { PageLinks } from '../api/client';

/** Previous / next from the API's Link header; the label says where we are. */
export function Pagination({
  links,
  label,
  onPage,
}: {
  links: PageLinks;
  label: string;
  onPage: (page: number) => void;
}) {
  if (!links.prev && !links.next) return null;
  return (
    <nav className="pagination" aria-label="Pagination">
      <button
        type="button"
        className="bouton bouton-secondaire"
        disabled={!links.prev}
        onClick={() => links.prev && onPage(links.prev)}
      >
        Précédent
      </button>
      <span aria-current="page">{label}</span>
      <button
        type="button"
        className="bouton bouton-secondaire"
        disabled={!links.next}
        onClick={() => links.next && onPage(links.next)}
      >
        Suivant
      </button>
    </nav>
  );
}
