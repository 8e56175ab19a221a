const euros = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' });
const dateTime = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short' });

/** 1899 → "1 899,00 €" (French grouping with a narrow no-break space). */
export function formatPrix(value: number): string {
  return euros.format(value);
}

export function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

/** Sum of price × quantity computed in integer cents, so 0.1 + 0.2 stays 0.30. */
export function totalCents(lines: { prix: number; quantite: number }[]): number {
  return lines.reduce((sum, l) => sum + Math.round(l.prix * 100) * l.quantite, 0);
}

export function pluriel(n: number, singulier: string, plurielForme = `${singulier}s`): string {
  return `${n} ${n > 1 ? plurielForme : singulier}`;
}
