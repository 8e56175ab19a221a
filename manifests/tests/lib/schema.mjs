// Kubernetes schema validation of one object, offline:
//  - kubernetes-models (JSON schemas generated from the Kubernetes OpenAPI document, checked with
//    ajv): types, enums, required fields, quantity / int-or-string formats;
//  - unknown fields, which those schemas let through: the object is walked along the attribute
//    maps of @kubernetes/client-node's generated models (OpenAPI of Kubernetes 1.32, the version
//    of the kubectl used here) and every key the model does not declare is reported, with its path.
//    Only the models file is imported: the package's main entry pulls in the whole client.
import * as models from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';

const moduleCache = new Map();

async function modelsModule(apiVersion) {
  if (!moduleCache.has(apiVersion)) {
    // kubernetes-models/v1, kubernetes-models/apps/v1, kubernetes-models/networking.k8s.io/v1 ...
    moduleCache.set(apiVersion, import(`kubernetes-models/${apiVersion}`).catch(() => null));
  }
  return moduleCache.get(apiVersion);
}

// Schema errors of obj: [{path, message}]. An apiVersion/kind without a schema is itself an error
// (a typo there would make the API server refuse the object).
export async function schemaErrors(obj) {
  const { apiVersion, kind } = obj ?? {};
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    return [{ path: '', message: 'apiVersion and kind are required' }];
  }
  const mod = await modelsModule(apiVersion);
  const Model = mod?.[kind];
  if (typeof Model !== 'function') return [{ path: '', message: `no schema for ${apiVersion} ${kind}` }];
  try {
    new Model(structuredClone(obj)).validate();
    return [];
  } catch (e) {
    if (!Array.isArray(e.errors)) return [{ path: '', message: e.message }];
    // ajv reports a failed int-or-string / quantity as several lines (each branch of its oneOf):
    // keep one line per path, the most specific message.
    const byPath = new Map();
    for (const err of e.errors) {
      // "/spec/template/spec/containers/0/image" -> "spec.template.spec.containers[0].image"
      const path = err.instancePath
        .split('/')
        .slice(1)
        .map((seg) => seg.replaceAll('~1', '/').replaceAll('~0', '~'))
        .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
      if (!byPath.has(path) || err.keyword === 'format' || err.keyword === 'enum') byPath.set(path, err.message);
    }
    return [...byPath].map(([path, message]) => ({ path, message }));
  }
}

// The client-node model class of a top-level object: apps/v1 Deployment -> V1Deployment.
export function modelName(apiVersion, kind) {
  const version = apiVersion.split('/').pop();
  return version.charAt(0).toUpperCase() + version.slice(1) + kind;
}

const LEAF = new Set(['string', 'number', 'boolean', 'any', 'object', 'Date', 'IntOrString']);

function walk(value, type, path, out) {
  if (value === null || value === undefined) return;
  let m;
  if ((m = /^Array<(.+)>$/.exec(type))) {
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, m[1], `${path}[${i}]`, out));
    return;
  }
  if ((m = /^\{ \[key: string\]: (.+); \}$/.exec(type))) {
    if (typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, m[1], `${path}[${JSON.stringify(k)}]`, out);
    }
    return;
  }
  if (LEAF.has(type)) return;
  const Model = models[type];
  if (typeof Model?.getAttributeTypeMap !== 'function') return; // enum-like string types
  if (typeof value !== 'object' || Array.isArray(value)) return; // a type error: the schema check says so
  const attributes = new Map(Model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  for (const [key, v] of Object.entries(value)) {
    const p = path ? `${path}.${key}` : key;
    if (!attributes.has(key)) out.push({ path: p, message: `unknown field "${key}" (not in ${type})` });
    else walk(v, attributes.get(key), p, out);
  }
}

// Unknown fields of obj: [{path, message}]; null when there is no model for its kind.
export function unknownFields(obj) {
  let name = modelName(obj.apiVersion ?? '', obj.kind ?? '');
  // Kinds that exist in several groups are named after theirs: v1 Event -> CoreV1Event.
  if (typeof models[name]?.getAttributeTypeMap !== 'function' && !obj.apiVersion?.includes('/')) name = `Core${name}`;
  if (typeof models[name]?.getAttributeTypeMap !== 'function') return null;
  const out = [];
  walk(obj, name, '', out);
  return out;
}
