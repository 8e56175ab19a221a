import { expect, test } from './fixtures.ts';

// The security headers of frontend/nginx/boutique.conf.template (docs/security.md) on every kind of
// response nginx sends: files, the SPA fallback, the proxied API (success and problem), nginx's own
// error pages; and the Content-Security-Policy as Chromium enforces it.

const HEADERS: Record<string, RegExp> = {
  'content-security-policy': new RegExp(
    [
      "^default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' https: http:",
      "connect-src 'self'",
      "font-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'$",
    ].join('; '),
  ),
  'x-content-type-options': /^nosniff$/,
  'x-frame-options': /^DENY$/,
  'referrer-policy': /^same-origin$/,
  'permissions-policy': /camera=\(\).*microphone=\(\).*geolocation=\(\)/,
  'cross-origin-opener-policy': /^same-origin$/,
};

function expectSecurityHeaders(what: string, headers: Record<string, string>) {
  for (const [name, want] of Object.entries(HEADERS)) {
    expect(headers[name], `${what}: ${name}`).toMatch(want);
  }
  expect(headers['content-security-policy'], `${what}: no unsafe-* source`).not.toContain('unsafe');
  expect(headers['server'] ?? '', `${what}: no nginx version`).not.toMatch(/\d/);
}

test('security headers on every kind of response', async ({ request }) => {
  const index = await request.get('/');
  expect(index.status()).toBe(200);
  expectSecurityHeaders('GET /', index.headers());
  expect(index.headers()['cache-control']).toBe('no-cache');
  const asset = /src="(\/assets\/[^"]+\.js)"/.exec(await index.text())?.[1];
  expect(asset, 'a script in index.html').toBeTruthy();

  const cases: [string, () => ReturnType<typeof request.get>, number][] = [
    ['GET /index.html', () => request.get('/index.html'), 200],
    ['GET /produits/1 (SPA fallback)', () => request.get('/produits/1'), 200],
    [`GET ${asset}`, () => request.get(asset!), 200],
    ['GET /assets/absent.js (nginx 404)', () => request.get('/assets/absent.js'), 404],
    ['GET /api/produits (proxied)', () => request.get('/api/produits'), 200],
    ['GET /api/inconnu (API problem)', () => request.get('/api/inconnu'), 404],
    ['GET /healthz (proxied)', () => request.get('/healthz'), 200],
    [
      'POST 3 MB to /api/produits (nginx 413)',
      () => request.post('/api/produits', { data: 'x'.repeat(3 * 1024 * 1024) }),
      413,
    ],
  ];
  for (const [what, send, status] of cases) {
    const response = await send();
    expect(response.status(), what).toBe(status);
    expectSecurityHeaders(what, response.headers());
  }
  const hashed = await request.get(asset!);
  expect(hashed.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
});

test('product illustrations are hashed SVG files, cached for a year, compressed', async ({
  request,
}) => {
  // The entry script names them (imported as URLs, never inlined): whatever build is served.
  const index = await (await request.get('/')).text();
  const entry = /src="(\/assets\/[^"]+\.js)"/.exec(index)![1];
  const svgs = new Set(
    (await (await request.get(entry)).text()).match(/\/assets\/[a-z]+-[\w-]{8}\.svg/g),
  );
  expect(svgs.size, 'the eight category illustrations and the generic one').toBe(9);
  for (const svg of svgs) {
    const response = await request.get(svg, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(response.status(), svg).toBe(200);
    expect(response.headers()['content-type'], svg).toMatch(/^image\/svg\+xml/);
    expect(response.headers()['cache-control'], svg).toBe('public, max-age=31536000, immutable');
    expect(response.headers()['content-encoding'], svg).toBe('gzip');
    expectSecurityHeaders(`GET ${svg}`, response.headers());
    expect(await response.text(), svg).toMatch(/^<svg [^>]*viewBox="0 0 320 180"/);
  }
});

test('robots.txt and the icon are real files, not the SPA page', async ({ request }) => {
  const robots = await request.get('/robots.txt');
  expect(robots.status()).toBe(200);
  expect(robots.headers()['content-type']).toMatch(/^text\/plain/);
  expect(await robots.text()).toMatch(/^User-agent: \*$/m);
  expectSecurityHeaders('GET /robots.txt', robots.headers());
  const icon = await request.get('/favicon.svg');
  expect(icon.status()).toBe(200);
  expect(icon.headers()['content-type']).toMatch(/^image\/svg\+xml/);
  const ico = await request.get('/favicon.ico');
  expect(ico.status(), 'no .ico: a 404, not index.html').toBe(404);
});

test('the policy is enforced: inline script and style are refused, and reported', async ({
  page,
  cspViolations,
}) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Catalogue' })).toBeVisible();
  expect(cspViolations, 'the app itself needs nothing the policy forbids').toEqual([]);

  const outcome = await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.__injected = true;';
    document.head.appendChild(script);
    const div = document.createElement('div');
    div.setAttribute('style', 'color: rgb(255, 0, 0)');
    document.body.appendChild(div);
    return {
      injected: (window as unknown as { __injected?: boolean }).__injected === true,
      color: getComputedStyle(div).color,
    };
  });
  expect(outcome.injected, 'an injected inline script ran').toBe(false);
  expect(outcome.color, 'an inline style attribute applied').not.toBe('rgb(255, 0, 0)');
  await expect
    .poll(() => cspViolations.join('\n'), { message: 'violations reported by the detector' })
    .toMatch(/script-src/);
  await expect.poll(() => cspViolations.join('\n')).toMatch(/style-src/);
  cspViolations.length = 0; // expected here: the fixture's final check must not fail this test
});

test('the UI cannot be framed by another origin', async ({ page, baseURL, cspViolations }) => {
  // A page on another origin (about:blank here) frames the shop: Chromium refuses to render it and
  // says why (frame-ancestors 'none'; X-Frame-Options: DENY for older browsers).
  await page.setContent(`<iframe src="${baseURL}/"></iframe>`);
  await expect
    .poll(() => cspViolations.join('\n'), { message: 'framing refused' })
    .toContain("frame-ancestors 'none'");
  const frame = page.frames().find((f) => f !== page.mainFrame());
  expect(await frame?.locator('#root').count()).toBe(0);
  cspViolations.length = 0; // expected here: the fixture's final check must not fail this test
});
