// The UI half of bench/dev-loop.sh: opens Chromium on Vite's page, then ROUNDS times changes the
// footer's text in App.tsx and times the save -> the new text on screen (Vite's hot update, no
// reload). Prints {"ms": [...]} on stdout.
// Usage: node dev-loop-ui.mjs URL APP_TSX ROUNDS FRONTEND_DIR
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const [url, file, roundsArg, frontend] = process.argv.slice(2);
const require = createRequire(`${frontend}/package.json`);
const { chromium } = require('@playwright/test');

const marker = 'Ma Boutique — démonstration';
const original = readFileSync(file, 'utf8');
if (!original.includes(marker)) {
  console.error(`dev-loop-ui: '${marker}' is not in ${file}: update bench/dev-loop-ui.mjs`);
  process.exit(1);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
});
const ms = [];
try {
  const page = await browser.newPage();
  let reloads = 0;
  page.on('load', () => reloads++);
  await page.goto(url);
  await page.getByText(marker).waitFor({ timeout: 60_000 });
  let current = marker;
  for (let i = 1; i <= Number(roundsArg); i++) {
    const next = `Ma Boutique — édition ${i}`;
    const t0 = performance.now();
    writeFileSync(file, readFileSync(file, 'utf8').replace(current, next));
    await page.getByText(next).waitFor({ timeout: 60_000 });
    ms.push(Math.round(performance.now() - t0));
    current = next;
    console.error(`dev-loop: ui round ${i}: ${ms.at(-1)} ms`);
  }
  if (reloads !== 1) console.error(`dev-loop: the page reloaded ${reloads - 1} times (expected hot updates)`);
} finally {
  writeFileSync(file, original);
  await browser.close();
}
console.log(JSON.stringify({ ms }));
