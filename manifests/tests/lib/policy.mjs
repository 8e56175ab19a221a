// The project's own rules for the rendered manifests (docs/kubernetes.md "Validation"). Each error is
// {rule, object, message}; `rule` is a stable id the tests match on.
//
// Roles are found by the label app.kubernetes.io/component (database | backend | frontend) on pod
// templates, not by object names, so a renamed object is still checked.

export const PROFILES = {
  // The base alone: every generic rule; its images have no tag yet (an overlay sets them).
  base: { name: 'base', minReplicas: { backend: 2, frontend: 1 }, externalSecrets: [] },
  minikube: {
    name: 'minikube',
    minReplicas: { backend: 2, frontend: 1 },
    externalSecrets: [],
    // Built into minikube's image store: must never be pulled from a registry.
    localImages: ['boutique-api', 'boutique-frontend'],
    nodePorts: { 'backend-service': 30500, 'frontend-service': 30173 },
  },
  prod: {
    name: 'prod',
    minReplicas: { backend: 3, frontend: 2 },
    // Provided by the platform (External Secrets, Sealed Secrets, kubectl create secret), never
    // rendered from this repository.
    externalSecrets: ['postgres-credentials'],
    pinnedImages: true,
    guaranteedQoS: true,
  },
};
// prod on an external PostgreSQL (components/external-database): no database, PVC or database
// policy rendered; the API's DATABASE_URL comes from the platform's Secret.
PROFILES['prod-external-db'] = { ...PROFILES.prod, name: 'prod-external-db', externalDatabase: true };

// Every rule id policyErrors() can report (schema and unknown-field come from lib/schema.mjs). The
// tests require each one to be made to fail by at least one case under negative/.
export const RULES = [
  'namespace', 'labels', 'workload', 'host', 'service-account-token', 'probes', 'resources', 'non-root',
  'read-only-rootfs', 'privilege-escalation', 'capabilities', 'seccomp', 'image-tag', 'image-pull',
  'credentials', 'database', 'pvc', 'service', 'db-service', 'network-policy', 'replicas',
  'termination', 'pdb', 'downward-api', 'hpa',
];

export const NAMESPACE = 'boutique';
export const API_DRAIN_SECONDS = 2; // boutique-api answers in-flight requests for at most 1.7 s (docs/api.md)
const PVC_NAME = 'postgres-pvc';
const PVC_SIZE = '1Gi';
const DB_PORT = 5432;
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume', 'StorageClass', 'PriorityClass']);
const SECRETISH = /(PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|PRIVATE_KEY)/i;

// --- helpers ------------------------------------------------------------------------------------

const ref = (o) => `${o?.kind ?? '?'}/${o?.metadata?.name ?? '?'}`;

// "100m" -> 0.1, "1Gi" -> 1073741824, "2" -> 2. NaN when not a quantity.
export function quantity(q) {
  if (typeof q === 'number') return q;
  const m = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/.exec(String(q ?? ''));
  if (!m) return NaN;
  const mult = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60, n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
  return Number(m[1]) * (m[2] ? mult[m[2]] : 1);
}

// A label selector (matchLabels / matchExpressions, or a Service's plain map) against labels.
export function selects(selector, labels = {}) {
  if (!selector) return false;
  const plain = !('matchLabels' in selector) && !('matchExpressions' in selector);
  const matchLabels = plain ? selector : selector.matchLabels ?? {};
  for (const [k, v] of Object.entries(matchLabels)) if (labels[k] !== v) return false;
  for (const e of plain ? [] : selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const inValues = has && (e.values ?? []).includes(labels[e.key]);
    if (e.operator === 'In' && !inValues) return false;
    if (e.operator === 'NotIn' && inValues) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

// name, tag, digest of an image reference ("registry:5000/a/b:1.2@sha256:…").
export function parseImage(image) {
  let rest = String(image ?? '');
  let digest = null;
  const at = rest.indexOf('@');
  if (at >= 0) [rest, digest] = [rest.slice(0, at), rest.slice(at + 1)];
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  const tag = colon > slash ? rest.slice(colon + 1) : null;
  const name = colon > slash ? rest.slice(0, colon) : rest;
  return { name, tag, digest, base: name.slice(name.lastIndexOf('/') + 1) };
}

function podTemplate(o) {
  if (['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'].includes(o.kind)) return o.spec?.template;
  if (o.kind === 'CronJob') return o.spec?.jobTemplate?.spec?.template;
  if (o.kind === 'Pod') return o;
  return null;
}

function workloads(docs) {
  return docs
    .map((o) => ({ o, t: podTemplate(o) }))
    .filter(({ t }) => t)
    .map(({ o, t }) => ({ o, template: t, labels: t.metadata?.labels ?? {}, spec: t.spec ?? {}, role: t.metadata?.labels?.['app.kubernetes.io/component'] }));
}

const preStopSleep = (c) => {
  const cmd = c.lifecycle?.preStop?.exec?.command;
  if (Array.isArray(cmd) && cmd[0] === 'sleep') return Number(cmd[1]) || 0;
  return Number(c.lifecycle?.preStop?.sleep?.seconds ?? 0);
};

function effective(pod, c, key) {
  const cv = c.securityContext?.[key];
  return cv !== undefined ? cv : pod.securityContext?.[key];
}

function envValue(c, name) {
  return (c.env ?? []).find((e) => e.name === name);
}

// Host of a libpq connection string: "host=x port=y" or "postgresql://u:p@x:y/db".
export function libpqTarget(url) {
  if (typeof url !== 'string') return null;
  const uri = /^postgres(?:ql)?:\/\/(?:[^@/]*@)?([^:/?]+)(?::(\d+))?/.exec(url);
  if (uri) return { host: uri[1], port: Number(uri[2] ?? 5432), password: /^postgres(?:ql)?:\/\/[^@/]*:[^@/]*@/.test(url) };
  const kv = Object.fromEntries([...url.matchAll(/(\w+)\s*=\s*('[^']*'|\S+)/g)].map((m) => [m[1], m[2].replace(/^'|'$/g, '')]));
  return { host: kv.host ?? null, port: Number(kv.port ?? 5432), password: 'password' in kv };
}

// A credential written into a string: a connection URL with a password ("scheme://user:pw@host"),
// a libpq "password=…" pair, or a "--password=…" / "PASSWORD=…" argument. Returns what it found.
export function inlineCredential(text) {
  if (typeof text !== 'string') return null;
  if (/[a-z][a-z0-9+.-]*:\/\/[^\s:@/]*:[^\s@/]+@/i.test(text)) return 'a URL with a password';
  if (/(^|\s)password\s*=\s*\S/i.test(text)) return 'a libpq password=';
  if (/(^|[\s-])[a-z_-]*(password|passwd|secret|token)[a-z_-]*\s*[=:]\s*\S/i.test(text)) return 'a password argument';
  return null;
}

// --- the rules ----------------------------------------------------------------------------------

export function policyErrors(docs, profileName = 'base') {
  const profile = PROFILES[profileName];
  if (!profile) throw new Error(`unknown profile ${profileName} (${Object.keys(PROFILES).join(', ')})`);
  const errors = [];
  const err = (rule, o, message) => {
    if (!RULES.includes(rule)) throw new Error(`policy.mjs: rule ${rule} is not listed in RULES`);
    errors.push({ rule, object: typeof o === 'string' ? o : ref(o), message });
  };

  const byKind = (kind) => docs.filter((o) => o.kind === kind);
  const services = byKind('Service');
  const secrets = new Map(byKind('Secret').map((s) => [s.metadata?.name, s]));
  const configMaps = byKind('ConfigMap');
  const pods = workloads(docs);
  const role = (r) => pods.filter((p) => p.role === r);

  // namespace and labels
  if (!byKind('Namespace').some((n) => n.metadata?.name === NAMESPACE)) err('namespace', `Namespace/${NAMESPACE}`, 'the namespace is not part of the render');
  for (const o of docs) {
    if (!CLUSTER_SCOPED.has(o.kind) && o.metadata?.namespace !== NAMESPACE) err('namespace', o, `namespace is ${o.metadata?.namespace ?? 'unset'}, expected ${NAMESPACE}`);
    const l = o.metadata?.labels ?? {};
    if (l['app.kubernetes.io/part-of'] !== 'boutique') err('labels', o, 'label app.kubernetes.io/part-of=boutique missing');
    if (!l['app.kubernetes.io/name']) err('labels', o, 'label app.kubernetes.io/name missing');
  }

  // every workload and container
  for (const { o, template, labels, spec } of pods) {
    for (const k of ['app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/component']) {
      if (!labels[k]) err('labels', o, `pod template label ${k} missing`);
    }
    if (o.spec?.selector && !selects(o.spec.selector, labels)) err('workload', o, 'spec.selector does not match the pod template labels (the API server refuses it)');
    if (spec.hostNetwork || spec.hostPID || spec.hostIPC) err('host', o, 'hostNetwork / hostPID / hostIPC');
    if ((spec.volumes ?? []).some((v) => v.hostPath)) err('host', o, 'hostPath volume');
    if (spec.automountServiceAccountToken !== false) err('service-account-token', o, 'automountServiceAccountToken is not false (no workload here talks to the API server)');
    const seccompPod = spec.securityContext?.seccompProfile?.type;
    const volumes = new Map((spec.volumes ?? []).map((v) => [v.name, v]));

    for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
      const isInit = (spec.initContainers ?? []).includes(c);
      const where = `${ref(o)} container ${c.name}`;
      const cerr = (rule, message) => err(rule, where, message);

      if (!isInit) {
        for (const p of ['readinessProbe', 'livenessProbe', 'startupProbe']) if (!c[p]) cerr('probes', `${p} missing`);
        for (const p of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
          const port = c[p]?.httpGet?.port ?? c[p]?.tcpSocket?.port;
          if (typeof port === 'string' && !(c.ports ?? []).some((cp) => cp.name === port)) cerr('probes', `${p} uses port "${port}", which the container does not declare`);
        }
      }

      const r = c.resources ?? {};
      for (const kind of ['requests', 'limits']) {
        for (const res of ['cpu', 'memory']) if (r[kind]?.[res] === undefined) cerr('resources', `resources.${kind}.${res} missing`);
      }
      for (const res of ['cpu', 'memory']) {
        const rq = quantity(r.requests?.[res]);
        const lm = quantity(r.limits?.[res]);
        if (rq > lm) cerr('resources', `requests.${res} ${r.requests[res]} > limits.${res} ${r.limits[res]}`);
        if (profile.guaranteedQoS && r.requests?.[res] !== undefined && rq !== lm) cerr('resources', `prod: requests.${res} (${r.requests[res]}) must equal limits.${res} (${r.limits?.[res]}) (Guaranteed QoS)`);
      }

      if (effective(template.spec, c, 'runAsNonRoot') !== true) cerr('non-root', 'runAsNonRoot is not true (pod or container securityContext)');
      if (effective(template.spec, c, 'runAsUser') === 0) cerr('non-root', 'runAsUser is 0');
      const sc = c.securityContext ?? {};
      if (sc.readOnlyRootFilesystem !== true) cerr('read-only-rootfs', 'securityContext.readOnlyRootFilesystem is not true');
      if (sc.allowPrivilegeEscalation !== false) cerr('privilege-escalation', 'securityContext.allowPrivilegeEscalation is not false');
      if (sc.privileged === true) cerr('privilege-escalation', 'securityContext.privileged is true');
      if (!(sc.capabilities?.drop ?? []).includes('ALL')) cerr('capabilities', 'securityContext.capabilities.drop does not contain ALL');
      if ((sc.capabilities?.add ?? []).length) cerr('capabilities', `capabilities added: ${sc.capabilities.add.join(', ')}`);
      const seccomp = sc.seccompProfile?.type ?? seccompPod;
      if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') cerr('seccomp', `seccompProfile is ${seccomp ?? 'unset'}, expected RuntimeDefault`);
      if ((c.ports ?? []).some((p) => p.hostPort)) cerr('host', 'hostPort used');
      for (const m of c.volumeMounts ?? []) if (!volumes.has(m.name)) cerr('workload', `volumeMount ${m.name} has no volume`);

      const img = parseImage(c.image);
      if (profile.pinnedImages) {
        if (!img.tag && !img.digest) cerr('image-tag', `image ${c.image} has no tag (it would mean "latest")`);
        if (img.tag === 'latest') cerr('image-tag', `image ${c.image} uses the tag "latest"`);
      }
      if (profile.localImages?.includes(img.base) && !['Never', 'IfNotPresent'].includes(c.imagePullPolicy)) {
        cerr('image-pull', `image ${c.image} is built into the cluster: imagePullPolicy must be Never or IfNotPresent, not ${c.imagePullPolicy ?? 'the default'}`);
      }

      // credentials
      for (const e of c.env ?? []) {
        if (SECRETISH.test(e.name)) {
          if (e.value !== undefined) cerr('credentials', `env ${e.name} is a literal value: it belongs in a Secret (secretKeyRef)`);
          else if (e.valueFrom?.configMapKeyRef) cerr('credentials', `env ${e.name} comes from a ConfigMap: credentials belong in a Secret`);
          else if (!e.valueFrom?.secretKeyRef) cerr('credentials', `env ${e.name} does not come from a Secret`);
        }
        const secretName = e.valueFrom?.secretKeyRef?.name;
        if (secretName && !e.valueFrom.secretKeyRef.optional) {
          const s = secrets.get(secretName);
          if (!s && !profile.externalSecrets.includes(secretName)) cerr('credentials', `env ${e.name}: Secret ${secretName} is neither rendered nor provided by the platform (CreateContainerConfigError)`);
          const key = e.valueFrom.secretKeyRef.key;
          if (s && !Object.hasOwn(s.data ?? {}, key) && !Object.hasOwn(s.stringData ?? {}, key)) cerr('credentials', `env ${e.name}: Secret ${secretName} has no key ${key}`);
        }
        if (e.name === 'DATABASE_URL' && libpqTarget(e.value)?.password) cerr('credentials', 'DATABASE_URL carries a password: use PGPASSWORD from a Secret');
        else if (!SECRETISH.test(e.name) && inlineCredential(e.value)) cerr('credentials', `env ${e.name} carries ${inlineCredential(e.value)}: credentials belong in a Secret`);
      }
      for (const [i, arg] of [...(c.command ?? []), ...(c.args ?? [])].entries()) {
        const found = inlineCredential(arg);
        if (found) cerr('credentials', `command/args[${i}] carries ${found}: pass it from a Secret through the environment`);
      }
      for (const ef of c.envFrom ?? []) {
        const cm = ef.configMapRef && configMaps.find((m) => m.metadata?.name === ef.configMapRef.name);
        if (cm && Object.keys(cm.data ?? {}).some((k) => SECRETISH.test(k))) cerr('credentials', `envFrom ConfigMap ${cm.metadata.name} carries credentials`);
      }
    }
  }
  for (const cm of configMaps) {
    const keys = Object.keys(cm.data ?? {}).filter((k) => SECRETISH.test(k));
    if (keys.length) err('credentials', cm, `a ConfigMap holds ${keys.join(', ')}: credentials belong in a Secret`);
    for (const [k, v] of Object.entries(cm.data ?? {})) {
      const found = !SECRETISH.test(k) && inlineCredential(v);
      if (found) err('credentials', cm, `ConfigMap key ${k} carries ${found}: credentials belong in a Secret`);
    }
  }
  if (profile.externalSecrets.length) {
    for (const s of secrets.values()) {
      if (Object.keys({ ...s.data, ...s.stringData }).length) err('credentials', s, `${profile.name}: no credentials may be rendered from the repository (the platform provides ${profile.externalSecrets.join(', ')})`);
    }
  }

  // the database: one pod, Recreate, on postgres-pvc (1Gi), PGDATA below the volume's mount
  const dbs = role('database');
  if (profile.externalDatabase) {
    for (const { o } of dbs) err('database', o, `${profile.name}: the database is external, no database workload may be rendered`);
  } else if (dbs.length !== 1) err('database', 'database', `expected one database workload (component=database), found ${dbs.length}`);
  for (const { o, spec } of dbs) {
    if (o.kind === 'Deployment') {
      if (o.spec?.strategy?.type !== 'Recreate') err('database', o, `strategy is ${o.spec?.strategy?.type ?? 'RollingUpdate (default)'}: two pods would share one data directory during a rollout; use Recreate`);
      if ((o.spec?.replicas ?? 1) !== 1) err('database', o, `replicas ${o.spec.replicas}: PostgreSQL here is a single instance`);
    } else if (o.kind !== 'StatefulSet') err('database', o, `a ${o.kind} cannot run the database`);
    const claimVolume = (spec.volumes ?? []).find((v) => v.persistentVolumeClaim?.claimName === PVC_NAME);
    if (!claimVolume) err('database', o, `no volume from PVC ${PVC_NAME}`);
    const c = (spec.containers ?? [])[0] ?? {};
    const mount = (c.volumeMounts ?? []).find((m) => m.name === claimVolume?.name);
    const pgdata = envValue(c, 'PGDATA')?.value;
    if (claimVolume && !mount) err('database', o, `PVC ${PVC_NAME} is not mounted`);
    if (mount && !(pgdata && pgdata.startsWith(mount.mountPath.replace(/\/$/, '') + '/'))) {
      err('database', o, `PGDATA (${pgdata ?? 'unset'}) must be a subdirectory of the volume mounted at ${mount.mountPath}`);
    }
    if (!envValue(c, 'POSTGRES_PASSWORD')?.valueFrom?.secretKeyRef) err('credentials', o, 'POSTGRES_PASSWORD does not come from a Secret');
  }
  const pvc = byKind('PersistentVolumeClaim').find((p) => p.metadata?.name === PVC_NAME);
  if (profile.externalDatabase) {
    if (pvc) err('pvc', pvc, `${profile.name}: the database is external, the claim would stay unused`);
  } else if (!pvc) err('pvc', `PersistentVolumeClaim/${PVC_NAME}`, 'missing');
  else {
    if (!(pvc.spec?.accessModes ?? []).includes('ReadWriteOnce')) err('pvc', pvc, 'accessModes must include ReadWriteOnce');
    const size = pvc.spec?.resources?.requests?.storage;
    if (quantity(size) !== quantity(PVC_SIZE)) err('pvc', pvc, `storage request is ${size}, expected ${PVC_SIZE}`);
  }

  // services: selectors reach pods, named target ports exist; the DB stays inside the cluster
  for (const s of services) {
    if (s.spec?.type === 'ExternalName') continue;
    const targets = pods.filter((p) => selects(s.spec?.selector, p.labels));
    if (!targets.length) {
      err('service', s, `selector ${JSON.stringify(s.spec?.selector ?? {})} matches no pod template`);
      continue;
    }
    for (const port of s.spec?.ports ?? []) {
      const tp = port.targetPort ?? port.port;
      const found = targets.some((p) => (p.spec.containers ?? []).some((c) => (c.ports ?? []).some((cp) => (typeof tp === 'string' ? cp.name === tp : cp.containerPort === tp))));
      if (!found) err('service', s, `targetPort ${tp} is not a port of the selected containers`);
    }
    if (targets.some((p) => p.role === 'database')) {
      const type = s.spec?.type ?? 'ClusterIP';
      if (type !== 'ClusterIP') err('db-service', s, `exposes the database as ${type}: it must stay ClusterIP`);
      if ((s.spec?.ports ?? []).some((p) => p.nodePort)) err('db-service', s, 'nodePort set on a database Service');
      if ((s.spec?.externalIPs ?? []).length) err('db-service', s, 'externalIPs set on a database Service');
    }
  }
  const wantServices = { 'backend-service': ['backend', 5000], 'frontend-service': ['frontend', 5173] };
  for (const [name, [r, port]] of Object.entries(wantServices)) {
    const s = services.find((x) => x.metadata?.name === name);
    if (!s) {
      err('service', `Service/${name}`, 'missing');
      continue;
    }
    if (s.spec?.type !== 'NodePort') err('service', s, `type is ${s.spec?.type ?? 'ClusterIP'}, expected NodePort`);
    const p = (s.spec?.ports ?? []).find((x) => x.port === port);
    if (!p) err('service', s, `no port ${port}`);
    if (!role(r).some((w) => selects(s.spec?.selector, w.labels))) err('service', s, `does not select the ${r} pods`);
    const fixed = profile.nodePorts?.[name];
    if (fixed && p?.nodePort !== fixed) err('service', s, `${profile.name}: nodePort must be ${fixed}, is ${p?.nodePort ?? 'unset'}`);
  }
  const dbServices = services.filter((s) => dbs.some((d) => selects(s.spec?.selector, d.labels)));
  for (const { o, spec } of role('backend')) {
    const c = (spec.containers ?? [])[0] ?? {};
    const url = envValue(c, 'DATABASE_URL');
    if (profile.externalDatabase) {
      const from = url?.valueFrom?.secretKeyRef?.name;
      if (!profile.externalSecrets.includes(from)) err('service', o, `${profile.name}: DATABASE_URL must come from the platform's Secret (${profile.externalSecrets.join(', ')}), ${url?.value !== undefined ? `is the literal "${url.value}"` : 'does not'}`);
      continue;
    }
    const target = libpqTarget(url?.value);
    if (target && target.host && !dbServices.some((s) => s.metadata.name === target.host && (s.spec.ports ?? []).some((p) => p.port === target.port))) {
      err('service', o, `DATABASE_URL points at ${target.host}:${target.port}, which is not a Service of the database`);
    }
  }

  // network policy: the database admits the backend on 5432 and nothing else
  const dbPolicies = byKind('NetworkPolicy').filter((np) => dbs.some((d) => selects(np.spec?.podSelector, d.labels)));
  const ingressPolicies = dbPolicies.filter((np) => (np.spec?.policyTypes ?? ['Ingress']).includes('Ingress'));
  if (!ingressPolicies.length && dbs.length) err('network-policy', 'database', 'no NetworkPolicy restricts ingress to the database pods (everything in the cluster can reach them)');
  let backendAllowed = false;
  for (const np of ingressPolicies) {
    for (const [i, rule] of (np.spec?.ingress ?? []).entries()) {
      const where = `${ref(np)} ingress[${i}]`;
      if (!(rule.from ?? []).length) err('network-policy', where, 'no "from": admits every source');
      if (!(rule.ports ?? []).length) err('network-policy', where, 'no "ports": admits every port');
      for (const p of rule.ports ?? []) {
        if (!(p.port === DB_PORT || p.port === 'postgres') || (p.protocol ?? 'TCP') !== 'TCP' || p.endPort) err('network-policy', where, `admits port ${p.port}/${p.protocol ?? 'TCP'}, only ${DB_PORT}/TCP is allowed`);
      }
      for (const peer of rule.from ?? []) {
        if (peer.ipBlock) err('network-policy', where, 'ipBlock peer: admits addresses, not the backend');
        if (peer.namespaceSelector) err('network-policy', where, 'namespaceSelector peer: admits pods of other namespaces');
        if (!peer.podSelector) continue;
        const others = pods.filter((p) => p.role !== 'backend' && selects(peer.podSelector, p.labels));
        if (others.length) err('network-policy', where, `admits ${others.map((p) => ref(p.o)).join(', ')}, not only the backend`);
        if (role('backend').some((b) => selects(peer.podSelector, b.labels)) && (rule.ports ?? []).some((p) => p.port === DB_PORT || p.port === 'postgres')) backendAllowed = true;
      }
    }
  }
  if (ingressPolicies.length && !backendAllowed) err('network-policy', 'database', `no NetworkPolicy admits the backend on ${DB_PORT}`);

  // backend and frontend: replicas, downward API, graceful stop, disruption budgets, autoscaling
  const hpas = byKind('HorizontalPodAutoscaler');
  for (const r of ['backend', 'frontend']) {
    const ws = role(r);
    if (ws.length !== 1) {
      err('workload', r, `expected one ${r} workload (component=${r}), found ${ws.length}`);
      continue;
    }
    const { o, spec, labels } = ws[0];
    const replicas = o.spec?.replicas ?? 1;
    if (replicas < profile.minReplicas[r]) err('replicas', o, `${profile.name}: ${replicas} replicas, at least ${profile.minReplicas[r]} expected`);
    const c = (spec.containers ?? [])[0] ?? {};
    const grace = spec.terminationGracePeriodSeconds ?? 30;
    const need = preStopSleep(c) + API_DRAIN_SECONDS;
    if (grace < need) err('termination', o, `terminationGracePeriodSeconds ${grace} < preStop ${preStopSleep(c)} s + drain ${API_DRAIN_SECONDS} s: SIGKILL would cut requests in flight`);
    if (grace > 30) err('termination', o, `terminationGracePeriodSeconds ${grace}: far above what the drain needs (${need} s), rollouts and drains wait for nothing`);
    const pdbs = byKind('PodDisruptionBudget').filter((p) => selects(p.spec?.selector, labels));
    if (!pdbs.length) err('pdb', o, 'no PodDisruptionBudget selects these pods');
    for (const p of pdbs) {
      if (typeof p.spec?.minAvailable === 'number' && p.spec.minAvailable >= replicas) err('pdb', p, `minAvailable ${p.spec.minAvailable} ≥ replicas ${replicas}: no voluntary eviction is ever allowed (node drains hang)`);
    }
    if (r === 'backend') {
      const pod = envValue(c, 'POD_NAME');
      if (pod?.valueFrom?.fieldRef?.fieldPath !== 'metadata.name') err('downward-api', o, 'env POD_NAME from fieldRef metadata.name missing');
      if (c.readinessProbe?.httpGet?.path !== '/readyz') err('probes', o, `readinessProbe must GET /readyz (is ${c.readinessProbe?.httpGet?.path ?? 'not httpGet'})`);
      if (c.livenessProbe?.httpGet?.path !== '/healthz') err('probes', o, `livenessProbe must GET /healthz (is ${c.livenessProbe?.httpGet?.path ?? 'not httpGet'})`);
      const hpa = hpas.find((h) => h.spec?.scaleTargetRef?.kind === o.kind && h.spec?.scaleTargetRef?.name === o.metadata?.name);
      if (!hpa) err('hpa', o, 'no HorizontalPodAutoscaler scales the backend');
      else {
        if (hpa.apiVersion !== 'autoscaling/v2') err('hpa', hpa, `apiVersion ${hpa.apiVersion}, expected autoscaling/v2`);
        if ((hpa.spec?.minReplicas ?? 1) < profile.minReplicas.backend) err('hpa', hpa, `minReplicas ${hpa.spec?.minReplicas ?? 1} < ${profile.minReplicas.backend}`);
        if (hpa.spec?.maxReplicas < (hpa.spec?.minReplicas ?? 1)) err('hpa', hpa, 'maxReplicas < minReplicas');
        if ((hpa.spec?.metrics ?? []).some((m) => m.resource?.name === 'cpu') && !c.resources?.requests?.cpu) err('hpa', hpa, 'CPU utilisation target without CPU requests');
      }
    }
  }
  return errors;
}
