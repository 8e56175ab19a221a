#!/usr/bin/env node
// Turns the rendered minikube overlay into what `podman kube play --network=host` (podman 4.3) can
// run on one machine, changing only what podman or host networking cannot do. Every adjustment is
// listed in ADJUSTMENTS below and in docs/kubernetes.md; everything else (commands, env, Secret
// references, probes' paths, security contexts, read-only root filesystems, emptyDirs, the PVC and
// its mount, PGDATA) is played as rendered.
//
//   kubectl kustomize manifests/overlays/minikube |
//     node translate.mjs --out DIR --prefix P --db-port N --api-port N --web-port N \
//       --image boutique-api=IMG --image boutique-frontend=IMG --image postgres=IMG
//
// Writes into DIR:
//   volumes.yaml          the PersistentVolumeClaims (played once: the volume outlives `kube down`)
//   workloads.yaml        the Deployments (played, taken down, played again)
//   secrets/NAME.json     each Secret's data, for `podman secret create NAME FILE`
//   adjustments.txt       what was changed, object by object
//   probes.json           every probe of every container, for probes.mjs (podman 4.3 runs none of
//                         them: readiness and startup probes are ignored, liveness needs systemd)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { parseDocuments } from '../lib/render.mjs';

export const ADJUSTMENTS = {
  'drop-kind': 'kinds podman 4.3 cannot play are left out: Namespace, Service (no cluster DNS or virtual IPs; on the host network every server is reached at 127.0.0.1:port), NetworkPolicy, PodDisruptionBudget, HorizontalPodAutoscaler',
  'secret': "a Secret becomes a podman secret holding its data as a JSON object of base64 values, what podman 4.3 reads for a secretKeyRef (it cannot read back a Secret it played itself: it stores the YAML); the secretKeyRef references are unchanged",
  'downward-api': 'downward-API fields podman 4.3 does not know (metadata.namespace, spec.nodeName) become the values a cluster would give (POD_NAME from metadata.name stays a fieldRef)',
  'pvc': 'PersistentVolumeClaims are played from their own file, once: the named volume survives `kube down`, and replaying a PVC that exists fails with "volume already exists"',
  'ports': 'containers lose `ports:` (host networking refuses port mappings); probes that named a port get its number',
  'host-network': 'each server listens on 127.0.0.1 and a free port, and clients are pointed there (PGPORT for the database, PORT/BOUTIQUE_BIND and DATABASE_URL for the API, BOUTIQUE_WEB_LISTEN/BOUTIQUE_API_UPSTREAM for the UI)',
  'replicas': 'replicas become 1: on one host network every replica would want the same port',
  'image': 'images are the ones built here: the project images under a local tag, postgres:15 replaced by the test stand-in (no registry)',
  'name': 'names get a per-run prefix (pods, PVC volume, secrets): the podman store is shared by everyone on this machine',
  'empty-dir': 'podman 4.3 turns an emptyDir into a named volume called after the volume (two pods naming a volume "tmp" would share one): each gets its pod\'s name in front; `kube down` removes them, as a pod\'s emptyDirs go with it',
};

function parseArgs(argv) {
  const o = { images: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => argv[++i];
    if (a === '--out') o.out = v();
    else if (a === '--prefix') o.prefix = v();
    else if (a === '--db-port') o.dbPort = Number(v());
    else if (a === '--api-port') o.apiPort = Number(v());
    else if (a === '--web-port') o.webPort = Number(v());
    else if (a === '--image') {
      const [k, img] = v().split('=');
      o.images[k] = img;
    } else if (a === '--in') o.input = v();
    else throw new Error(`unknown argument ${a}`);
  }
  for (const k of ['out', 'prefix', 'dbPort', 'apiPort', 'webPort']) if (!o[k]) throw new Error(`--${k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())} is required`);
  return o;
}

const setEnv = (c, name, value) => {
  c.env ??= [];
  const e = c.env.find((x) => x.name === name);
  if (e) {
    delete e.valueFrom;
    e.value = value;
  } else c.env.push({ name, value });
};

export function translate(docs, opt) {
  const log = [];
  const note = (adj, obj, what) => log.push(`${adj}: ${obj}: ${what}`);
  const out = { volumes: [], workloads: [], secrets: {}, probes: [] };
  const pref = (n) => `${opt.prefix}-${n}`;
  const secretNames = new Set(docs.filter((d) => d.kind === 'Secret').map((d) => d.metadata.name));
  const claimNames = new Set(docs.filter((d) => d.kind === 'PersistentVolumeClaim').map((d) => d.metadata.name));

  for (const d of docs) {
    const id = `${d.kind}/${d.metadata?.name}`;
    if (d.kind === 'Secret') {
      const name = pref(d.metadata.name);
      const data = { ...d.data };
      for (const [k, v] of Object.entries(d.stringData ?? {})) data[k] = Buffer.from(v).toString('base64');
      out.secrets[name] = JSON.stringify(data);
      note('secret', id, `podman secret ${name}`);
      continue;
    }
    if (d.kind === 'PersistentVolumeClaim') {
      const v = structuredClone(d);
      v.metadata.name = pref(d.metadata.name);
      delete v.metadata.namespace;
      out.volumes.push(v);
      note('pvc', id, `volume ${v.metadata.name}, played once`);
      continue;
    }
    if (d.kind !== 'Deployment') {
      note('drop-kind', id, 'left out');
      continue;
    }
    const w = structuredClone(d);
    w.metadata.name = pref(d.metadata.name);
    delete w.metadata.namespace;
    note('name', id, `played as ${w.metadata.name}`);
    if ((w.spec.replicas ?? 1) !== 1) {
      note('replicas', id, `${w.spec.replicas} -> 1`);
      w.spec.replicas = 1;
    }
    const spec = w.spec.template.spec;
    const role = w.spec.template.metadata?.labels?.['app.kubernetes.io/component'];
    const renamed = new Map();
    for (const v of spec.volumes ?? []) {
      if (v.persistentVolumeClaim && claimNames.has(v.persistentVolumeClaim.claimName)) v.persistentVolumeClaim.claimName = pref(v.persistentVolumeClaim.claimName);
      if (v.emptyDir) {
        renamed.set(v.name, `${w.metadata.name}-${v.name}`);
        note('empty-dir', id, `emptyDir ${v.name} -> volume ${w.metadata.name}-${v.name}`);
        v.name = `${w.metadata.name}-${v.name}`;
      }
    }
    for (const c of spec.containers) {
      for (const m of c.volumeMounts ?? []) if (renamed.has(m.name)) m.name = renamed.get(m.name);
      const cid = `${id} container ${c.name}`;
      const ports = new Map((c.ports ?? []).map((p) => [p.name, p.containerPort]));
      if (c.ports) {
        note('ports', cid, `ports ${c.ports.map((p) => p.containerPort).join(', ')} removed`);
        delete c.ports;
      }
      const img = c.image.replace(/[:@].*$/, '');
      const base = img.slice(img.lastIndexOf('/') + 1);
      if (opt.images[base]) {
        note('image', cid, `${c.image} -> ${opt.images[base]}`);
        c.image = opt.images[base];
      }
      for (const e of c.env ?? []) {
        const s = e.valueFrom?.secretKeyRef;
        if (s && secretNames.has(s.name)) s.name = pref(s.name);
        const field = e.valueFrom?.fieldRef?.fieldPath;
        const known = { 'metadata.namespace': d.metadata.namespace ?? 'default', 'spec.nodeName': 'podman' };
        if (field in known) {
          setEnv(c, e.name, known[field]);
          note('downward-api', cid, `${e.name}: fieldRef ${field} -> "${known[field]}"`);
        }
      }
      let newPort;
      if (role === 'database') {
        newPort = opt.dbPort;
        setEnv(c, 'PGPORT', String(opt.dbPort));
        note('host-network', cid, `PGPORT=${opt.dbPort}`);
      } else if (role === 'backend') {
        newPort = opt.apiPort;
        setEnv(c, 'PORT', String(opt.apiPort));
        setEnv(c, 'BOUTIQUE_BIND', '127.0.0.1');
        setEnv(c, 'DATABASE_URL', `host=127.0.0.1 port=${opt.dbPort}`);
        note('host-network', cid, `PORT=${opt.apiPort}, BOUTIQUE_BIND=127.0.0.1, DATABASE_URL=host=127.0.0.1 port=${opt.dbPort}`);
      } else if (role === 'frontend') {
        newPort = opt.webPort;
        setEnv(c, 'BOUTIQUE_WEB_LISTEN', `127.0.0.1:${opt.webPort}`);
        setEnv(c, 'BOUTIQUE_API_UPSTREAM', `127.0.0.1:${opt.apiPort}`);
        note('host-network', cid, `BOUTIQUE_WEB_LISTEN=127.0.0.1:${opt.webPort}, BOUTIQUE_API_UPSTREAM=127.0.0.1:${opt.apiPort}`);
      }
      for (const p of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
        const action = c[p]?.httpGet ?? c[p]?.tcpSocket;
        if (action && (typeof action.port === 'string' || ports.size)) {
          const old = action.port;
          action.port = newPort ?? ports.get(old) ?? old;
          if (old !== action.port) note('ports', cid, `${p} port ${old} -> ${action.port}`);
        }
        // podman names a Deployment's first pod <name>-pod-0 and its containers <pod>-<container>.
        if (c[p]) out.probes.push({ container: `${w.metadata.name}-pod-0-${c.name}`, probe: p, ...c[p] });
      }
    }
    out.workloads.push(w);
  }
  return { ...out, log };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const opt = parseArgs(process.argv.slice(2));
    const docs = parseDocuments(readFileSync(opt.input ?? 0, 'utf8'), opt.input ?? 'stdin');
    const r = translate(docs, opt);
    mkdirSync(join(opt.out, 'secrets'), { recursive: true });
    const dump = (list) => list.map((d) => YAML.stringify(d)).join('---\n');
    writeFileSync(join(opt.out, 'volumes.yaml'), dump(r.volumes));
    writeFileSync(join(opt.out, 'workloads.yaml'), dump(r.workloads));
    for (const [name, json] of Object.entries(r.secrets)) writeFileSync(join(opt.out, 'secrets', `${name}.json`), json, { mode: 0o600 });
    writeFileSync(join(opt.out, 'adjustments.txt'), r.log.join('\n') + '\n');
    writeFileSync(join(opt.out, 'probes.json'), JSON.stringify(r.probes, null, 2) + '\n');
  } catch (e) {
    console.error(`translate: ${e.message}`);
    process.exit(2);
  }
}
