import { test as base, expect, type APIRequestContext, type Page } from '@playwright/test';
import type { Produit } from '../src/api/client.ts';
import { ADMIN, CLIENT } from './stack.ts';

export { expect };
export { ADMIN, CLIENT };

/** The API through nginx, as the browser sees it. */
export class Shop {
  private readonly request: APIRequestContext;
  private adminToken: string | null = null;

  constructor(request: APIRequestContext) {
    this.request = request;
  }

  async produits(query = ''): Promise<Produit[]> {
    const response = await this.request.get(`/api/produits?par_page=100${query}`);
    expect(response.ok()).toBeTruthy();
    return (await response.json()) as Produit[];
  }

  async produitNamed(nom: string): Promise<Produit> {
    const found = (await this.produits()).find((p) => p.nom === nom);
    if (!found) throw new Error(`no product named ${nom}`);
    return found;
  }

  async patchProduit(id: number, changes: Partial<Produit>): Promise<void> {
    if (!this.adminToken) {
      const login = await this.request.post('/api/auth/login', { data: ADMIN });
      expect(login.ok()).toBeTruthy();
      this.adminToken = ((await login.json()) as { token: string }).token;
    }
    const response = await this.request.patch(`/api/produits/${id}`, {
      data: changes,
      headers: { Authorization: `Bearer ${this.adminToken}` },
    });
    expect(response.ok(), await response.text()).toBeTruthy();
  }
}

declare global {
  interface Window {
    __boutiqueCspViolation?: (report: string) => void;
  }
}

export const test = base.extend<{ shop: Shop; cspViolations: string[] }>({
  // Every page of every test reports Content-Security-Policy violations (the policy is nginx's,
  // frontend/nginx/boutique.conf.template); a test fails when its pages had any. Both channels:
  // the DOM's securitypolicyviolation event and Chromium's console message.
  cspViolations: [
    async ({ page }, provide) => {
      const seen: string[] = [];
      await page.exposeFunction('__boutiqueCspViolation', (report: string) => {
        seen.push(report);
      });
      await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => {
          window.__boutiqueCspViolation?.(
            `${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`,
          );
        });
      });
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) seen.push(message.text());
      });
      await provide(seen);
      expect(seen, 'Content-Security-Policy violations on the pages of this test').toEqual([]);
    },
    { auto: true },
  ],
  // Playwright reads the fixture's dependencies from this (empty) destructuring pattern.
  // oxlint-disable-next-line no-empty-pattern
  baseURL: async ({}, provide) => {
    const url = process.env.E2E_BASE_URL;
    if (!url) throw new Error('E2E_BASE_URL is not set (global setup did not run?)');
    await provide(url);
  },
  shop: async ({ request }, provide) => {
    await provide(new Shop(request));
  },
});

export async function signIn(page: Page, who: { email: string; password: string }) {
  await page.getByLabel('Adresse e-mail').fill(who.email);
  await page.getByLabel('Mot de passe').fill(who.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page.getByRole('button', { name: 'Se déconnecter' })).toBeVisible();
}

/** The product cards currently shown, by accessible name. */
export function cards(page: Page) {
  return page.getByRole('main').getByRole('article');
}
