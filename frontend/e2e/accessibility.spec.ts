import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { ADMIN, expect, signIn, test } from './fixtures.ts';

// axe-core's WCAG 2.1 A/AA rules (labels, names, contrast, landmarks, ARIA) on each kind of page.
async function audit(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const summary = results.violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
  expect(summary).toEqual([]);
}

test('no WCAG A/AA violations on the customer pages', async ({ page, shop }) => {
  const [produit] = await shop.produits();
  await page.goto('/');
  await expect(page.getByRole('article').first()).toBeVisible();
  await audit(page);
  await page.goto(`/produits/${produit.id}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(produit.nom);
  await page.getByRole('button', { name: 'Ajouter au panier' }).click();
  await audit(page);
  await page.goto('/panier');
  await expect(page.getByLabel('Quantité')).toBeVisible();
  await audit(page);
  await page.goto('/inscription');
  await page.getByRole('button', { name: 'Créer mon compte' }).click();
  await expect(page.locator('[aria-invalid="true"]').first()).toBeVisible();
  await audit(page);
  await page.goto('/systeme');
  await expect(page.getByText('boutique-api')).toBeVisible();
  await audit(page);
});

test('no WCAG A/AA violations in the admin area', async ({ page }) => {
  await page.goto('/connexion?retour=/admin');
  await signIn(page, ADMIN);
  await expect(page.getByRole('table')).toBeVisible();
  await audit(page);
  await page.getByRole('link', { name: 'Nouveau produit' }).click();
  await page.getByRole('button', { name: 'Créer le produit' }).click();
  await expect(page.locator('#nom-erreur')).toBeVisible();
  await audit(page);
});
