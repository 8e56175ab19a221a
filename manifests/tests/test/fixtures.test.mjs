// The recorded kubectl outputs (fixtures/kubectl/) are what the real kubectl prints, they are in
// step with the manifests (re-recorded and compared), every object in them has the fields and types
// of the Kubernetes 1.32 API, and each scenario shows the fact the CLI must recognise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onPath } from '../lib/render.mjs';
import { schemaErrors, unknownFields } from '../lib/schema.mjs';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'kubectl');
const index = JSON.parse(readFileSync(join(DIR, 'index.json'), 'utf8'));
const out = (scenario, ...argv) => {
  const c = index.commands.find((e) => e.scenario === scenario && argv.every((a) => e.argv.includes(a)));
  assert.ok(c, `no fixture for ${scenario}: ${argv.join(' ')}`);
  return { ...c, out: c.stdout ? readFileSync(join(DIR, c.stdout), 'utf8') : '', err: c.stderr ? readFileSync(join(DIR, c.stderr), 'utf8') : '' };
};
const items = (scenario, resource) => JSON.parse(out(scenario, 'get', resource, '-o').out).items;
const pods = (scenario, prefix) => items(scenario, 'pods').filter((p) => p.metadata.name.startsWith(`${prefix}-`));
const waiting = (p) => p.status.containerStatuses?.[0]?.state?.waiting?.reason;

test('every fixture file of index.json exists', () => {
  for (const c of index.commands) for (const f of [c.stdout, c.stderr]) if (f) assert.ok(existsSync(join(DIR, f)), f);
});

test('every object in the JSON fixtures matches the Kubernetes 1.32 API (schemas, no unknown field)', async () => {
  let n = 0;
  for (const c of index.commands) {
    if (!c.stdout || !c.argv.includes('json') || c.argv[0] !== 'get') continue;
    const list = JSON.parse(readFileSync(join(DIR, c.stdout), 'utf8'));
    assert.equal(list.kind, 'List', c.stdout);
    for (const o of list.items) {
      n++;
      assert.deepEqual(await schemaErrors(o), [], `${c.stdout} ${o.kind}/${o.metadata.name}`);
      assert.deepEqual(unknownFields(o), [], `${c.stdout} ${o.kind}/${o.metadata.name}`);
    }
  }
  assert.ok(n > 100, `${n} objects checked`);
});

// Re-recording needs the real kubectl (against a stub API server): not on a machine without it.
test('fixtures are in step with the manifests and kubectl (re-recorded, compared)', { skip: !onPath('kubectl') && 'no kubectl on this machine: the recordings cannot be re-made here' }, () => {
  execFileSync(process.execPath, [join(DIR, 'record.mjs'), '--check'], { encoding: 'utf8', stdio: 'pipe' });
});

test('healthy: rollouts done, PVC Bound, NodePorts 30500 / 30173, ready endpoints', () => {
  for (const d of items('healthy', 'deployments')) {
    assert.equal(d.status.observedGeneration, d.metadata.generation);
    assert.equal(d.status.updatedReplicas, d.spec.replicas);
    assert.equal(d.status.availableReplicas, d.spec.replicas);
    assert.ok(d.status.conditions.some((c) => c.type === 'Progressing' && c.reason === 'NewReplicaSetAvailable'));
  }
  assert.equal(items('healthy', 'pvc')[0].status.phase, 'Bound');
  const ports = Object.fromEntries(items('healthy', 'services').map((s) => [s.metadata.name, s.spec.ports[0].nodePort]));
  assert.deepEqual(ports, { 'backend-service': 30500, 'frontend-service': 30173, postgres: undefined });
  for (const e of items('healthy', 'endpoints')) assert.ok(e.subsets[0].addresses.length >= 1 && !e.subsets[0].notReadyAddresses);
  assert.match(out('healthy', 'rollout', 'deployment/backend').out, /^deployment "backend" successfully rolled out\n$/);
  assert.equal(JSON.parse(out('healthy', 'version').out).serverVersion.gitVersion, 'v1.32.0');
});

test('crashloop: CrashLoopBackOff, restarts, last exit code, previous logs', () => {
  for (const p of pods('crashloop', 'backend')) {
    const s = p.status.containerStatuses[0];
    assert.equal(s.state.waiting.reason, 'CrashLoopBackOff');
    assert.equal(s.lastState.terminated.exitCode, 2);
    assert.ok(s.restartCount > 0);
  }
  assert.match(out('crashloop', 'logs', '--previous').out, /BOUTIQUE_THREADS/);
  const r = out('crashloop', 'rollout');
  assert.equal(r.exit, 1);
  assert.equal(r.err, 'error: timed out waiting for the condition\n');
});

test('image pulls: ErrImagePull, ImagePullBackOff, ErrImageNeverPull; logs refused', () => {
  assert.deepEqual(pods('image-pull', 'backend').map(waiting), ['ErrImagePull', 'ImagePullBackOff']);
  assert.deepEqual(pods('image-never-pull', 'frontend').map(waiting), ['ErrImageNeverPull', 'ErrImageNeverPull']);
  const logs = out('image-pull', 'logs');
  assert.equal(logs.exit, 1);
  assert.match(logs.err, /is waiting to start: trying and failing to pull image/);
});

test('config-error: CreateContainerConfigError naming the Secret, pod Pending', () => {
  const [db] = pods('config-error', 'postgres');
  assert.equal(db.status.phase, 'Pending');
  assert.equal(waiting(db), 'CreateContainerConfigError');
  assert.equal(db.status.containerStatuses[0].state.waiting.message, 'secret "postgres-credentials" not found');
});

test('unschedulable and pvc-pending: PodScheduled False / Unschedulable; PVC Pending with its event', () => {
  for (const p of pods('unschedulable', 'frontend')) {
    assert.deepEqual(p.status.conditions.map((c) => [c.type, c.status, c.reason]), [['PodScheduled', 'False', 'Unschedulable']]);
  }
  assert.equal(items('pvc-pending', 'pvc')[0].status.phase, 'Pending');
  assert.match(pods('pvc-pending', 'postgres')[0].status.conditions[0].message, /unbound immediate PersistentVolumeClaims/);
  const ev = JSON.parse(out('pvc-pending', 'involvedObject.kind=PersistentVolumeClaim,involvedObject.name=postgres-pvc').out).items;
  assert.deepEqual(ev.map((e) => e.reason), ['FailedBinding']);
});

test('rollout-deadline: Progressing False ProgressDeadlineExceeded; rollout status says so', () => {
  const d = items('rollout-deadline', 'deployments').find((x) => x.metadata.name === 'backend');
  assert.ok(d.status.conditions.some((c) => c.type === 'Progressing' && c.status === 'False' && c.reason === 'ProgressDeadlineExceeded'));
  assert.equal(out('rollout-deadline', 'rollout').err, 'error: deployment "backend" exceeded its progress deadline\n');
});

test('unreachable: exit 1, "was refused" on stderr', () => {
  for (const c of index.commands.filter((e) => e.scenario === 'unreachable')) {
    assert.equal(c.exit, 1);
    assert.match(readFileSync(join(DIR, c.stderr), 'utf8'), /The connection to the server 127\.0\.0\.1:1 was refused/);
  }
});

test('fix-forward: revision 2 starting while the pods of revision 1 crash, one terminating', () => {
  const d = items('fix-forward', 'deployments').find((x) => x.metadata.name === 'backend');
  assert.equal(d.metadata.annotations['deployment.kubernetes.io/revision'], '2');
  assert.equal(d.status.observedGeneration, d.metadata.generation);
  const sets = items('fix-forward', 'replicasets').filter((r) => r.metadata.ownerReferences[0].name === 'backend');
  assert.deepEqual(sets.map((r) => r.metadata.annotations['deployment.kubernetes.io/revision']).sort(), ['1', '2']);
  const hash = (rev) => sets.find((r) => r.metadata.annotations['deployment.kubernetes.io/revision'] === rev).metadata.labels['pod-template-hash'];
  const backend = pods('fix-forward', 'backend');
  const old = backend.filter((p) => p.metadata.labels['pod-template-hash'] === hash('1'));
  const current = backend.filter((p) => p.metadata.labels['pod-template-hash'] === hash('2'));
  assert.equal(old.length, 2);
  assert.ok(old.every((p) => waiting(p) === 'CrashLoopBackOff'));
  assert.equal(old.filter((p) => p.metadata.deletionTimestamp).length, 1);
  assert.equal(current.length, 2);
  assert.ok(current.every((p) => waiting(p) === 'ContainerCreating'));
  assert.match(out('fix-forward', 'rollout', 'deployment/backend').err + out('fix-forward', 'rollout', 'deployment/backend').out, /old replicas are pending termination/);
});

test('every scenario lists one ReplicaSet per Deployment revision, owned by it', () => {
  for (const scenario of Object.keys(index.scenarios).filter((s) => s !== 'unreachable')) {
    const deps = items(scenario, 'deployments');
    const sets = items(scenario, 'replicasets');
    for (const d of deps) {
      const own = sets.filter((r) => r.metadata.ownerReferences[0].name === d.metadata.name);
      const current = own.find((r) => r.metadata.annotations['deployment.kubernetes.io/revision'] === d.metadata.annotations['deployment.kubernetes.io/revision']);
      assert.ok(current, `${scenario}: no current ReplicaSet for ${d.metadata.name}`);
    }
  }
});
