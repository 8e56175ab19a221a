// Rendering and parsing: `kubectl kustomize DIR` (kustomize v5 inside kubectl, no cluster needed),
// then every YAML document as a plain object.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import YAML from 'yaml';

export const KUBECTL = process.env.KUBECTL || 'kubectl';

// The rendered YAML of a kustomization directory. Throws with kubectl's stderr on failure.
export function kustomize(dir) {
  try {
    return execFileSync(KUBECTL, ['kustomize', dir], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (e) {
    if (e.code === 'ENOENT') throw new Error(`${KUBECTL} not found (install kubectl ≥ 1.27; see docs/kubernetes.md)`);
    throw new Error(`kubectl kustomize ${dir} failed: ${(e.stderr || e.message).trim()}`);
  }
}

// Every non-empty document of a YAML stream. Duplicate keys and syntax errors are errors (the API
// server's YAML decoder refuses duplicate keys too).
export function parseDocuments(text, source = 'input') {
  const docs = [];
  for (const doc of YAML.parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true })) {
    if (doc.errors.length) throw new Error(`${source}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`${source}: a document is not an object`);
    // A `kind: List` (what `kubectl get -o yaml` prints) stands for its items.
    if (value.kind === 'List' && Array.isArray(value.items)) docs.push(...value.items);
    else docs.push(value);
  }
  return docs;
}

// A directory is rendered with kustomize; a file (or "-" for stdin) is read as rendered YAML.
export function load(path) {
  if (path === '-') return { source: 'stdin', docs: parseDocuments(readFileSync(0, 'utf8'), 'stdin') };
  if (statSync(path).isDirectory()) return { source: path, docs: parseDocuments(kustomize(path), path) };
  return { source: path, docs: parseDocuments(readFileSync(path, 'utf8'), path) };
}

export const ref = (o) => `${o?.kind ?? '?'}/${o?.metadata?.name ?? '?'}`;
