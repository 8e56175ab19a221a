// podman/translate.mjs changes only what podman or host networking cannot do: what the pods are
// (security contexts, resources, mounts, commands, probe handlers, env names, Secret keys) reaches
// `podman kube play` as rendered, and the result is still valid Kubernetes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from '../lib/render.mjs';
import { schemaErrors, unknownFields } from '../lib/schema.mjs';
import { translate, ADJUSTMENTS } from '../podman/translate.mjs';

const MANIFESTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { docs } = load(join(MANIFESTS, 'overlays/minikube'));
const opt = {
  prefix: 'p1', dbPort: 40001, apiPort: 40002, webPort: 40003,
  images: { 'boutique-api': 'localhost/boutique-api:t', 'boutique-frontend': 'localhost/boutique-frontend:t', postgres: 'localhost/pg:t' },
};
const r = translate(docs, opt);
const original = (name) => docs.find((d) => d.kind === 'Deployment' && d.metadata.name === name);

test('every adjustment made is a documented one', () => {
  for (const line of r.log) assert.ok(ADJUSTMENTS[line.split(':')[0]], line);
});

test('three Deployments, one PVC, one Secret (as a flat JSON object of base64 values)', () => {
  assert.deepEqual(r.workloads.map((w) => w.metadata.name).sort(), ['p1-backend', 'p1-frontend', 'p1-postgres']);
  assert.deepEqual(r.volumes.map((v) => v.metadata.name), ['p1-postgres-pvc']);
  const [[name, json]] = Object.entries(r.secrets);
  assert.match(name, /^p1-postgres-credentials-[a-z0-9]{10}$/);
  assert.equal(Buffer.from(JSON.parse(json).POSTGRES_USER, 'base64').toString(), 'boutique');
});

test('translated objects are still valid Kubernetes (schemas, no unknown field)', async () => {
  for (const o of [...r.workloads, ...r.volumes]) {
    assert.deepEqual(await schemaErrors(o), [], o.metadata.name);
    assert.deepEqual(unknownFields(o), [], o.metadata.name);
  }
});

test('what the pods are is unchanged', () => {
  for (const w of r.workloads) {
    const o = original(w.metadata.name.replace(/^p1-/, ''));
    const [ts, os] = [w.spec.template.spec, o.spec.template.spec];
    assert.deepEqual(ts.securityContext, os.securityContext);
    for (const k of ['automountServiceAccountToken', 'enableServiceLinks', 'terminationGracePeriodSeconds']) assert.equal(ts[k], os[k], k);
    assert.deepEqual((ts.volumes ?? []).map((v) => Object.keys(v).sort()), (os.volumes ?? []).map((v) => Object.keys(v).sort()));
    ts.containers.forEach((c, i) => {
      const oc = os.containers[i];
      for (const k of ['name', 'command', 'args', 'securityContext', 'resources', 'lifecycle', 'imagePullPolicy']) assert.deepEqual(c[k], oc[k], `${c.name}.${k}`);
      assert.deepEqual((c.volumeMounts ?? []).map((m) => m.mountPath), (oc.volumeMounts ?? []).map((m) => m.mountPath));
      for (const p of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
        assert.deepEqual(c[p].exec, oc[p].exec);
        assert.equal(c[p].httpGet?.path, oc[p].httpGet?.path);
        for (const k of ['periodSeconds', 'timeoutSeconds', 'failureThreshold']) assert.equal(c[p][k], oc[p][k]);
      }
      const names = (x) => (x.env ?? []).map((e) => e.name).filter((n) => n !== 'PGPORT');
      assert.deepEqual(names(c), names(oc));
      for (const e of c.env ?? []) {
        if (e.valueFrom?.secretKeyRef) assert.equal(e.valueFrom.secretKeyRef.key, oc.env.find((x) => x.name === e.name).valueFrom.secretKeyRef.key);
      }
    });
  }
});

test('host network: servers on 127.0.0.1 and the given ports, clients pointed there', () => {
  const env = (name) => Object.fromEntries(r.workloads.find((w) => w.metadata.name === name).spec.template.spec.containers[0].env.filter((e) => 'value' in e).map((e) => [e.name, e.value]));
  assert.equal(env('p1-postgres').PGPORT, '40001');
  assert.equal(env('p1-backend').DATABASE_URL, 'host=127.0.0.1 port=40001');
  assert.equal(env('p1-backend').PORT, '40002');
  assert.equal(env('p1-backend').BOUTIQUE_BIND, '127.0.0.1');
  assert.equal(env('p1-frontend').BOUTIQUE_WEB_LISTEN, '127.0.0.1:40003');
  assert.equal(env('p1-frontend').BOUTIQUE_API_UPSTREAM, '127.0.0.1:40002');
  for (const w of r.workloads) {
    assert.equal(w.spec.replicas, 1);
    for (const c of w.spec.template.spec.containers) assert.equal(c.ports, undefined);
  }
  assert.deepEqual(r.probes.filter((p) => p.httpGet).map((p) => p.httpGet.port).sort(), [40002, 40002, 40002, 40003, 40003, 40003]);
});

test('POD_NAME stays a downward-API fieldRef', () => {
  const api = r.workloads.find((w) => w.metadata.name === 'p1-backend').spec.template.spec.containers[0];
  assert.deepEqual(api.env.find((e) => e.name === 'POD_NAME').valueFrom, { fieldRef: { fieldPath: 'metadata.name' } });
});
