import type { Locator, Page } from '@playwright/test';
import { cards, expect, test } from './fixtures.ts';

declare global {
  interface Window {
    __layoutShifts?: { value: number; moved: string[] }[];
  }
}

/** Records every layout shift Chromium reports for the page (what CLS sums), and what moved. */
async function watchLayoutShifts(page: Page) {
  await page.addInitScript(() => {
    window.__layoutShifts = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const shift = entry as PerformanceEntry & {
          value: number;
          hadRecentInput: boolean;
          sources: { node?: Node }[];
        };
        if (shift.hadRecentInput) continue;
        const moved = shift.sources.map((source) =>
          source.node instanceof Element
            ? source.node.outerHTML.slice(0, 80)
            : String(source.node?.nodeName),
        );
        window.__layoutShifts?.push({ value: shift.value, moved });
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
}

/** Scrolls the image into view (a lazy one starts loading) and waits until it is decoded. */
async function expectLoaded(image: Locator) {
  await image.scrollIntoViewIfNeeded();
  await expect
    .poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), {
      message: `${await image.getAttribute('src')} loads`,
    })
    .toBe(true);
}

test('browse the catalogue page by page', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Catalogue' })).toBeVisible();
  await expect(page.getByText(/^\d+ produits$/)).toBeVisible();
  await expect(cards(page)).toHaveCount(12);
  const nav = page.getByRole('navigation', { name: 'Pagination' });
  await expect(nav).toContainText('Page 1 sur');
  const firstPage = await cards(page).first().getByRole('heading').textContent();
  await nav.getByRole('button', { name: 'Suivant' }).click();
  await expect(nav).toContainText('Page 2 sur');
  await expect(page).toHaveURL(/page=2/);
  await expect(cards(page).first().getByRole('heading')).not.toHaveText(firstPage ?? '');
  await nav.getByRole('button', { name: 'Précédent' }).click();
  await expect(nav).toContainText('Page 1 sur');
});

test('filter by category, search, sort', async ({ page, shop }) => {
  const claviers = await shop.produits('&categorie=Claviers');
  await page.goto('/');
  await page.getByLabel('Catégorie').selectOption({ label: `Claviers (${claviers.length})` });
  await expect(cards(page)).toHaveCount(claviers.length);
  for (const card of await cards(page).all()) await expect(card).toContainText('Claviers');
  await expect(page).toHaveURL(/categorie=Claviers/);

  // Sorting is the API's: the cards come in the order it returns for tri=prix / tri=-prix.
  const names = async () => cards(page).getByRole('heading').allTextContents();
  const apiOrder = async (tri: string) =>
    (await shop.produits(`&categorie=Claviers&tri=${tri}`)).map((p) => p.nom);
  await page.getByLabel('Trier par').selectOption({ label: 'Prix croissant' });
  await expect(page).toHaveURL(/tri=prix/);
  await expect.poll(names).toEqual(await apiOrder('prix'));
  await page.getByLabel('Trier par').selectOption({ label: 'Prix décroissant' });
  await expect(page).toHaveURL(/tri=-prix/);
  await expect.poll(names).toEqual(await apiOrder('-prix'));

  // Search is server-side and debounced: typing sends one request for the final text.
  await page.getByLabel('Catégorie').selectOption({ label: 'Toutes les catégories' });
  const searches: string[] = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname === '/api/produits' && url.searchParams.has('q'))
      searches.push(url.searchParams.get('q')!);
  });
  await page.getByLabel('Rechercher').pressSequentially('souris', { delay: 30 });
  await expect(page).toHaveURL(/q=souris/);
  const souris = await shop.produits('&q=souris');
  await expect(cards(page)).toHaveCount(Math.min(souris.length, 12));
  // Fewer requests than keystrokes (one, unless the machine stalls between two keys), ending
  // with the full word.
  expect(searches.at(-1)).toBe('souris');
  expect(searches.length).toBeLessThan('souris'.length);

  await page.getByLabel('Rechercher').fill('introuvable-xyz');
  await expect(page.getByText('Aucun produit ne correspond à votre recherche.')).toBeVisible();
  await page.getByRole('button', { name: 'Effacer les filtres' }).click();
  await expect(cards(page)).toHaveCount(12);
});

test('open a product, deep link, out of stock', async ({ page, shop }) => {
  const produit = (await shop.produits('&tri=nom'))[0];
  await page.goto('/?tri=nom');
  await cards(page).first().getByRole('link', { name: produit.nom }).click();
  await expect(page).toHaveURL(new RegExp(`/produits/${produit.id}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(produit.nom);
  const image = page.getByRole('main').getByRole('img');
  await expect(image).toHaveAttribute('loading', 'eager');
  await expect(image).toHaveAccessibleName(
    `${produit.nom} (illustration de la catégorie ${produit.categorie})`,
  );
  await expectLoaded(image);

  // A deep link served by nginx's index.html fallback.
  const rupture = (await shop.produits()).find((p) => p.stock === 0)!;
  await page.goto(`/produits/${rupture.id}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(rupture.nom);
  await expect(page.getByText('Rupture de stock')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Ajouter au panier' })).toHaveCount(0);

  await page.goto('/produits/999999');
  await expect(page.getByRole('heading', { name: 'Produit introuvable' })).toBeVisible();
});

test('usable at 360 px wide', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto('/');
  await expect(cards(page)).toHaveCount(12);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(overflow).toBeLessThanOrEqual(360);
  // Keyboard: the skip link comes first and leads to the content.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Aller au contenu' })).toBeFocused();
  await page.goto('/panier');
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
});

test('price sort is numeric', async ({ shop }) => {
  const prix = (await shop.produits('&categorie=Claviers&tri=prix')).map((p) => p.prix);
  expect(prix).toEqual([...prix].sort((a, b) => a - b));
});

test('every card shows its picture, in a box sized before it loads (1280 and 360 px screenshots)', async ({
  page,
  shop,
}, testInfo) => {
  await watchLayoutShifts(page);
  for (const [width, height] of [
    [1280, 800],
    [360, 740],
  ]) {
    await page.setViewportSize({ width, height });
    await page.goto('/?tri=nom');
    await expect(cards(page)).toHaveCount(12);
    const images = cards(page).getByRole('img');
    await expect(images).toHaveCount(12);
    // The first row (4 cards at the widest) loads at once, the rest when scrolled near.
    expect(
      await images.evaluateAll((all) => all.map((img) => img.getAttribute('loading'))),
    ).toEqual([...Array<string>(4).fill('eager'), ...Array<string>(8).fill('lazy')]);
    const boxes = () =>
      images.evaluateAll((all) =>
        all.map((img) => {
          const r = img.getBoundingClientRect();
          return [Math.round(r.width), Math.round(r.height)];
        }),
      );
    const before = await boxes();
    for (const [w, h] of before) expect(h, `${w}×${h} is 16:9`).toBeCloseTo((w * 9) / 16, -0.5);
    for (const image of await images.all()) await expectLoaded(image);
    expect(await boxes(), 'no picture changed its box when it loaded').toEqual(before);
    // Demo products have no image_url: each shows its category's illustration, a hashed SVG.
    for (const src of await images.evaluateAll((all) => all.map((img) => img.getAttribute('src'))))
      expect(src).toMatch(/^\/assets\/[a-z]+-[\w-]+\.svg$/);
    const shifts = await page.evaluate(() => window.__layoutShifts ?? []);
    expect(
      shifts.reduce((sum, shift) => sum + shift.value, 0),
      `cumulative layout shift of the visit; moved: ${JSON.stringify(shifts)}`,
    ).toBe(0);

    await page.evaluate(() => window.scrollTo(0, 0));
    const path = testInfo.outputPath(`catalogue-${width}.png`);
    await page.screenshot({ path, fullPage: true });
    await testInfo.attach(`catalogue-${width}`, { path, contentType: 'image/png' });
  }

  // An image_url set by an admin wins; one that fails to load gives way to the illustration.
  const [premier] = await shop.produits('&tri=nom');
  const image = cards(page).first().getByRole('img', { name: premier.nom, exact: true });
  try {
    await shop.patchProduit(premier.id, { image_url: '/favicon.svg' });
    await page.goto('/?tri=nom');
    await expect(image).toHaveAttribute('src', '/favicon.svg');
    await expectLoaded(image);
    await shop.patchProduit(premier.id, { image_url: '/images/absente.png' });
    await page.goto('/?tri=nom');
    const illustration = cards(page)
      .first()
      .getByRole('img', { name: /\(illustration/ });
    await expect(illustration).toHaveAttribute('src', /^\/assets\/.+\.svg$/);
    await expectLoaded(illustration);
  } finally {
    await shop.patchProduit(premier.id, { image_url: '' });
  }
});
