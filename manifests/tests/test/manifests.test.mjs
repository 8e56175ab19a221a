// The rendered manifests of every overlay (and the base) pass the Kubernetes schemas, the
// unknown-field check and the project's rules; every mutated case under negative/ fails with the
// error it announces, and every rule is made to fail by at least one case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STANDALONE_KUSTOMIZE, kustomize, load, onPath, renderer } from '../lib/render.mjs';
import { RULES } from '../lib/policy.mjs';
import { validateDocuments, formatError } from '../lib/validate.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const TESTS = join(HERE, '..');
const MANIFESTS = join(TESTS, '..');
const overlays = readdirSync(join(MANIFESTS, 'overlays'));
const ids = (docs) => docs.map((o) => `${o.kind}/${o.metadata.name.replace(/-[a-z0-9]{10}$/, '-<hash>')}`).sort();

const NEGATIVE = join(TESTS, 'negative');
const everyKustomization = [join(MANIFESTS, 'base'), ...overlays.map((o) => join(MANIFESTS, 'overlays', o)), ...readdirSync(NEGATIVE).map((d) => join(NEGATIVE, d))];

test('the renderer: kubectl with kustomize v5 when there is one, else the standalone kustomize 4.5.4', () => {
  const [program] = renderer();
  if (program === STANDALONE_KUSTOMIZE) {
    assert.match(execFileSync(program, ['version'], { encoding: 'utf8' }), /kustomize\/v4\.5\.4 /);
  } else {
    const v = execFileSync(program, ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
    assert.match(JSON.parse(v).kustomizeVersion, /^v5\./);
  }
});

// What users render with is kubectl; machines without it (a fresh Debian 12) test with the
// standalone kustomize. Both must give the same bytes for every kustomization here, or a test
// passing on one would say nothing about the other.
test('kubectl kustomize and the standalone kustomize 4.5.4 render every kustomization identically', { skip: !onPath('kubectl') && 'no kubectl on this machine: only the standalone kustomize renders here' }, () => {
  for (const dir of everyKustomization) {
    assert.equal(kustomize(dir, [STANDALONE_KUSTOMIZE, 'build']), kustomize(dir, ['kubectl', 'kustomize']), dir);
  }
  assert.ok(everyKustomization.length > 40);
});

for (const [name, dir, profile] of [['base', join(MANIFESTS, 'base'), 'base'], ...overlays.map((o) => [o, join(MANIFESTS, 'overlays', o), o])]) {
  test(`${name}: schemas, unknown fields and policies pass`, async () => {
    const { docs } = load(dir);
    const errors = await validateDocuments(docs, profile);
    assert.deepEqual(errors.map(formatError), []);
  });
}

test('overlays minikube, prod and prod-external-db exist', () => assert.deepEqual(overlays.sort(), ['minikube', 'prod', 'prod-external-db']));

const common = [
  'Deployment/backend', 'Deployment/frontend', 'Deployment/postgres',
  'HorizontalPodAutoscaler/backend', 'Namespace/boutique',
  'NetworkPolicy/postgres-allow-backend', 'NetworkPolicy/postgres-default-deny-ingress',
  'PersistentVolumeClaim/postgres-pvc', 'PodDisruptionBudget/backend', 'PodDisruptionBudget/frontend',
  'Service/backend-service', 'Service/frontend-service', 'Service/postgres',
];

test('minikube renders exactly the expected objects, with the dev Secret', () => {
  assert.deepEqual(ids(load(join(MANIFESTS, 'overlays/minikube')).docs), [...common, 'Secret/postgres-credentials-<hash>'].sort());
});

test('prod renders no Secret (the platform provides postgres-credentials)', () => {
  const { docs } = load(join(MANIFESTS, 'overlays/prod'));
  assert.deepEqual(ids(docs), [...common].sort());
  const refs = [];
  JSON.stringify(docs, (k, v) => (k === 'secretKeyRef' && refs.push(v.name), v));
  assert.equal(refs.length, 6);
  assert.deepEqual(new Set(refs), new Set(['postgres-credentials']), 'references keep the plain name');
});

test('prod-external-db: prod without the in-cluster database, the connection from the platform\'s Secret', () => {
  const { docs } = load(join(MANIFESTS, 'overlays/prod-external-db'));
  const gone = ['Deployment/postgres', 'NetworkPolicy/postgres-allow-backend', 'NetworkPolicy/postgres-default-deny-ingress', 'PersistentVolumeClaim/postgres-pvc', 'Service/postgres'];
  assert.deepEqual(ids(docs), common.filter((o) => !gone.includes(o)).sort());
  const backend = docs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'backend');
  const api = backend.spec.template.spec.containers[0];
  const env = Object.fromEntries(api.env.map((e) => [e.name, e]));
  assert.deepEqual(env.DATABASE_URL, { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'postgres-credentials', key: 'DATABASE_URL' } } });
  for (const [name, key] of [['PGUSER', 'POSTGRES_USER'], ['PGPASSWORD', 'POSTGRES_PASSWORD'], ['PGDATABASE', 'POSTGRES_DB']]) {
    assert.deepEqual(env[name].valueFrom.secretKeyRef, { name: 'postgres-credentials', key });
  }
  assert.deepEqual(api.volumeMounts, [{ name: 'database-ca', mountPath: '/etc/boutique/database-ca', readOnly: true }]);
  assert.deepEqual(backend.spec.template.spec.volumes, [{ name: 'database-ca', configMap: { name: 'database-ca', optional: true } }]);
  // Everything else is prod's: the same objects, byte for byte.
  const prod = load(join(MANIFESTS, 'overlays/prod')).docs;
  for (const o of docs.filter((d) => !(d.kind === 'Deployment' && d.metadata.name === 'backend'))) {
    assert.deepEqual(o, prod.find((p) => p.kind === o.kind && p.metadata.name === o.metadata.name), `${o.kind}/${o.metadata.name}`);
  }
});

const negatives = readdirSync(join(TESTS, 'negative')).sort();
const fired = new Set();
for (const c of negatives) {
  const dir = join(TESTS, 'negative', c);
  const header = readFileSync(join(dir, 'kustomization.yaml'), 'utf8');
  const profile = /^# profile: (\S+)$/m.exec(header)?.[1];
  const expect = /^# expect: (.+)$/m.exec(header)?.[1];
  test(`negative/${c}: fails with ${expect}`, async () => {
    assert.ok(profile && expect, 'the case announces # profile: and # expect:');
    const errors = (await validateDocuments(load(dir).docs, profile)).map(formatError);
    assert.ok(errors.some((e) => e.includes(expect)), `expected "${expect}" among:\n${errors.join('\n')}`);
    fired.add(/^\[([^\]]+)\]/.exec(expect)[1]);
  });
}

test('every rule is made to fail by a negative case', () => {
  const missing = [...RULES, 'schema', 'unknown-field'].filter((r) => !fired.has(r));
  assert.deepEqual(missing, []);
});

test('validate.mjs: exit 0 valid, 1 invalid (one line per error), 2 usage', () => {
  const run = (...args) => spawnSync(process.execPath, [join(TESTS, 'validate.mjs'), ...args], { encoding: 'utf8' });
  const ok = run(join(MANIFESTS, 'overlays/prod'));
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /profile prod\): 13 objects, valid/);
  const bad = run('--profile', 'prod', join(TESTS, 'negative/latest-tag-prod'));
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /\[image-tag\] Deployment\/backend container api: image \S+:latest uses the tag "latest"/);
  const rendered = kustomize(join(TESTS, 'negative/db-nodeport'));
  const stdin = spawnSync(process.execPath, [join(TESTS, 'validate.mjs'), '--profile', 'minikube', '--json', '-'], { input: rendered, encoding: 'utf8' });
  assert.equal(stdin.status, 1);
  assert.deepEqual(JSON.parse(stdin.stdout)[0].errors.map((e) => e.rule), ['db-service']);
  assert.equal(run('--profile', 'nope', '.').status, 2);
  assert.equal(run(join(TESTS, 'does-not-exist')).status, 2);
});
