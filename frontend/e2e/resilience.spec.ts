import { cards, expect, test } from './fixtures.ts';
import { readState, startApi, stopApi } from './stack.ts';

test('API down → error state → API back → retry works', async ({ page }) => {
  const state = readState();
  test.skip(!state, 'needs the stack started by the harness (not E2E_BASE_URL)');
  await page.goto('/');
  await expect(cards(page)).toHaveCount(12);

  await stopApi(state!);
  try {
    await page.goto('/?categorie=Audio');
    const alert = page.getByRole('alert');
    await expect(alert).toContainText('Impossible de charger le catalogue.');
    await expect(alert).toContainText('momentanément indisponible');
    // Retrying while the API is still down keeps the error state.
    await page.getByRole('button', { name: 'Réessayer' }).click();
    await expect(page.getByRole('button', { name: 'Réessayer' })).toBeVisible();
  } finally {
    await startApi(state!);
  }
  await page.getByRole('button', { name: 'Réessayer' }).click();
  await expect(cards(page).first()).toContainText('Audio');
  await expect(page.getByRole('alert')).toHaveCount(0);
});
