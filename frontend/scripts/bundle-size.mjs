#!/usr/bin/env node
// Gzip sizes of the production build (dist/), from Vite's manifest.
// "Initial route JS" = the entry chunk plus every chunk it imports statically (what the browser
// must fetch before the catalogue renders); lazy chunks are listed apart.
// Fails (exit 1) when the initial route JS exceeds the budget: 70 KB = 70 × 1000 bytes, gzip -9,
// or when an image was inlined into the JS as a data: URL (images are files: vite.config.ts).
// Usage: node scripts/bundle-size.mjs [--markdown]
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 70_000;
const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8'));

const size = (file) => {
  const data = readFileSync(join(dist, file));
  return { raw: data.length, gzip: gzipSync(data, { level: 9 }).length };
};

const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry);
if (!entryKey) throw new Error('no entry in dist/.vite/manifest.json');

const initial = new Set();
(function walk(key) {
  const chunk = manifest[key];
  if (!chunk || initial.has(chunk.file)) return;
  initial.add(chunk.file);
  for (const imp of chunk.imports ?? []) walk(imp);
})(entryKey);

const allJs = readdirSync(join(dist, 'assets'))
  .filter((f) => f.endsWith('.js'))
  .map((f) => `assets/${f}`);
const css = readdirSync(join(dist, 'assets'))
  .filter((f) => f.endsWith('.css'))
  .map((f) => `assets/${f}`);

const rows = allJs
  .map((file) => ({ file, initial: initial.has(file), ...size(file) }))
  .sort((a, b) => Number(b.initial) - Number(a.initial) || b.gzip - a.gzip);
const sum = (list, key) => list.reduce((n, r) => n + r[key], 0);
const initialRows = rows.filter((r) => r.initial);
const lazyRows = rows.filter((r) => !r.initial);
const kb = (n) => (n / 1000).toFixed(1);

const markdown = process.argv.includes('--markdown');
const lines = [];
if (markdown) {
  lines.push('| chunk | loaded | raw (kB) | gzip -9 (kB) |', '|---|---|---:|---:|');
  for (const r of rows) {
    const name = r.file.replace(/^assets\//, '').replace(/-[\w-]{8}\.js$/, '.js');
    lines.push(`| ${name} | ${r.initial ? 'initial' : 'lazy'} | ${kb(r.raw)} | ${kb(r.gzip)} |`);
  }
  for (const f of css) {
    const s = size(f);
    lines.push(
      `| ${f.replace(/^assets\//, '').replace(/-[\w-]{8}\.css$/, '.css')} | initial (CSS) | ${kb(s.raw)} | ${kb(s.gzip)} |`,
    );
  }
  lines.push(
    `| **initial route JS** | | **${kb(sum(initialRows, 'raw'))}** | **${kb(sum(initialRows, 'gzip'))}** |`,
    `| all lazy JS | | ${kb(sum(lazyRows, 'raw'))} | ${kb(sum(lazyRows, 'gzip'))} |`,
  );
} else {
  for (const r of rows) {
    lines.push(
      `${r.initial ? 'initial' : 'lazy   '}  ${kb(r.gzip).padStart(6)} kB gzip  ${r.file}`,
    );
  }
  lines.push(
    `initial route JS: ${kb(sum(initialRows, 'gzip'))} kB gzip (budget ${kb(BUDGET_BYTES)} kB); lazy: ${kb(sum(lazyRows, 'gzip'))} kB`,
  );
}
console.log(lines.join('\n'));

const inlined = allJs.filter((f) => readFileSync(join(dist, f), 'latin1').includes('data:image/'));
if (inlined.length > 0) {
  console.error(`bundle-size: an image is inlined as a data: URL in ${inlined.join(', ')}`);
  process.exit(1);
}
if (sum(initialRows, 'gzip') > BUDGET_BYTES) {
  console.error(`bundle-size: initial route JS is over the ${kb(BUDGET_BYTES)} kB gzip budget`);
  process.exit(1);
}
