import { ADMIN, cards, expect, signIn, test } from './fixtures.ts';

test('admin changes a price and the catalogue shows it', async ({ page, shop }) => {
  const produit = await shop.produitNamed('HP EliteBook 840 G10');
  await page.goto('/admin');
  await page.getByRole('link', { name: 'Connectez-vous' }).click();
  await signIn(page, ADMIN);
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole('heading', { name: 'Administration des produits' })).toBeVisible();

  await page.getByRole('link', { name: `Modifier ${produit.nom}` }).click();
  await expect(page.getByLabel('Nom')).toHaveValue(produit.nom);

  // A refused value: the API's field error appears next to the field.
  await page.getByLabel('Prix (€)').fill('12,345');
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(page.getByLabel('Prix (€)')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Prix (€)')).toBeFocused();
  await expect(page.locator('#prix-erreur')).toContainText('au plus 2 décimales');

  await page.getByLabel('Prix (€)').fill('1 234,50');
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(page.getByText('Produit enregistré.')).toBeVisible();

  await page.getByRole('link', { name: 'Catalogue' }).click();
  await page.getByLabel('Rechercher').fill('EliteBook');
  await expect(cards(page)).toHaveCount(1);
  await expect(cards(page).first()).toContainText('1 234,50 €');
  expect((await shop.produitNamed(produit.nom)).prix).toBe(1234.5);
});

test('admin creates and deletes a product', async ({ page, shop }) => {
  await page.goto('/connexion?retour=/admin');
  await signIn(page, ADMIN);
  await page.getByRole('link', { name: 'Nouveau produit' }).click();
  await page.getByRole('button', { name: 'Créer le produit' }).click();
  await expect(page.locator('#nom-erreur')).toHaveText('est obligatoire');
  await expect(page.locator('#prix-erreur')).toBeVisible();

  await page.getByLabel('Nom').fill('Câble HDMI E2E');
  await page.getByLabel('Catégorie').fill('Accessoires');
  await page.getByLabel('Prix (€)').fill('9,99');
  await page.getByLabel('Stock').fill('5');
  await page.getByRole('button', { name: 'Créer le produit' }).click();
  await expect(page.getByText('Produit enregistré.')).toBeVisible();
  await expect(page.getByRole('row', { name: /Câble HDMI E2E/ })).toContainText('9,99 €');
  expect((await shop.produits()).some((p) => p.nom === 'Câble HDMI E2E')).toBeTruthy();

  await page.getByRole('button', { name: 'Supprimer Câble HDMI E2E' }).click();
  await page.getByRole('button', { name: 'Confirmer la suppression de Câble HDMI E2E' }).click();
  await expect(page.getByText('« Câble HDMI E2E » a été supprimé.')).toBeVisible();
  await expect(page.getByRole('row', { name: /Câble HDMI E2E/ })).toHaveCount(0);
  expect((await shop.produits()).some((p) => p.nom === 'Câble HDMI E2E')).toBeFalsy();
});

test('a customer cannot reach the admin area; the Système page answers', async ({ page }) => {
  await page.goto('/systeme');
  await expect(page.getByRole('heading', { level: 1, name: 'Système' })).toBeVisible();
  await expect(page.getByText('boutique-api')).toBeVisible();
  await expect(page.getByText('Disponible')).toBeVisible();
  await page.goto('/admin');
  await expect(page.getByRole('link', { name: 'Connectez-vous' })).toBeVisible();
});
