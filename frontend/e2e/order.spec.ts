import { CLIENT, expect, signIn, test } from './fixtures.ts';

test('add to cart, sign in, order, stock goes down', async ({ page, shop }) => {
  const produit = await shop.produitNamed('Logitech MX Keys S');
  await page.goto(`/produits/${produit.id}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(produit.nom);
  await expect(page.getByText(`En stock : ${produit.stock}`)).toBeVisible();
  await page.getByLabel('Quantité').fill('2');
  await page.getByRole('button', { name: 'Ajouter au panier' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Ajouté au panier' })).toBeVisible();
  await expect(page.getByRole('link', { name: /Panier \(2\)/ })).toBeVisible();

  await page
    .getByRole('link', { name: /Panier/ })
    .first()
    .click();
  await expect(page.getByRole('heading', { level: 1, name: 'Panier' })).toBeVisible();
  await expect(page.getByLabel('Quantité')).toHaveValue('2');
  // The cart survives a reload (localStorage).
  await page.reload();
  await expect(page.getByLabel('Quantité')).toHaveValue('2');

  await page.getByRole('link', { name: 'Se connecter pour commander' }).click();
  await signIn(page, CLIENT);
  await expect(page).toHaveURL(/\/panier$/);
  await page.getByRole('button', { name: 'Commander' }).click();

  await expect(page.getByText('Merci ! Votre commande est confirmée.')).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: /Commande n° \d+/ })).toBeVisible();
  await expect(page.getByRole('link', { name: /Panier \(0\)/ })).toBeVisible();

  await page.getByRole('link', { name: 'Mes commandes' }).first().click();
  await expect(page.getByRole('heading', { level: 2 }).first()).toBeVisible();
  await expect(page.getByRole('main')).toContainText(produit.nom);

  await page.goto(`/produits/${produit.id}`);
  await expect(page.getByText(`En stock : ${produit.stock - 2}`)).toBeVisible();
  expect((await shop.produitNamed(produit.nom)).stock).toBe(produit.stock - 2);

  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await expect(page.getByRole('link', { name: 'Se connecter' })).toBeVisible();
});

test('stock sold meanwhile: the 409 is shown next to the product', async ({ page, shop }) => {
  const produit = await shop.produitNamed('Razer DeathAdder V3');
  await page.goto('/connexion');
  await signIn(page, CLIENT);
  await page.goto(`/produits/${produit.id}`);
  await page.getByLabel('Quantité').fill('3');
  await page.getByRole('button', { name: 'Ajouter au panier' }).click();
  await page.goto('/panier');
  await expect(page.getByLabel('Quantité')).toHaveValue('3');

  // Someone else buys: only 1 left.
  await shop.patchProduit(produit.id, { stock: 1 });
  await page.getByRole('button', { name: 'Commander' }).click();
  const line = page.getByRole('listitem').filter({ hasText: produit.nom });
  await expect(line.getByRole('alert')).toHaveText(/Stock insuffisant : plus que 1 disponible/);
  await expect(line.getByLabel('Quantité')).toHaveValue('1');
  await expect(line.getByLabel('Quantité')).toHaveAttribute('aria-invalid', 'true');

  await page.getByRole('button', { name: 'Commander' }).click();
  await expect(page.getByText('Merci ! Votre commande est confirmée.')).toBeVisible();
  expect((await shop.produitNamed(produit.nom)).stock).toBe(0);
});

test('sign up creates an account and signs in', async ({ page }) => {
  await page.goto('/connexion');
  await page.getByRole('link', { name: 'Créer un compte' }).click();
  await page.getByLabel('Nom').fill('Alice E2E');
  await page.getByLabel('Adresse e-mail').fill(`alice-${Date.now()}@example.fr`);
  await page.getByLabel('Mot de passe').fill('court');
  await page.getByRole('button', { name: 'Créer mon compte' }).click();
  await expect(page.getByLabel('Mot de passe')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText(/au moins 10 caractères/).last()).toBeVisible();

  await page.getByLabel('Mot de passe').fill('un mot de passe assez long');
  await page.getByRole('button', { name: 'Créer mon compte' }).click();
  await expect(page.getByRole('button', { name: 'Se déconnecter' })).toBeVisible();
  await expect(page.getByText('Alice E2E')).toBeVisible();
  await page.getByRole('link', { name: 'Mes commandes' }).click();
  await expect(page.getByText('Vous n’avez pas encore passé de commande.')).toBeVisible();
});
