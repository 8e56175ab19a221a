#!/usr/bin/env node
// Validate rendered Kubernetes manifests offline.
//   node manifests/tests/validate.mjs [--profile base|minikube|prod] [--json] PATH...
// PATH: a kustomization directory (rendered with `kubectl kustomize`, else the standalone kustomize), a rendered YAML file, or "-"
// for stdin (e.g. `boutique render --overlay prod | node validate.mjs --profile prod -`). Without
// --profile, manifests/overlays/<name> uses the profile <name>, anything else "base".
// Exit 0: valid; 1: errors (one line each: [rule] Kind/name: message); 2: usage or render failure.
import { basename, resolve } from 'node:path';
import { load } from './lib/render.mjs';
import { PROFILES } from './lib/policy.mjs';
import { validateDocuments, formatError } from './lib/validate.mjs';

const args = process.argv.slice(2);
let profile = null;
let json = false;
const paths = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--profile') profile = args[++i];
  else if (args[i] === '--json') json = true;
  else if (args[i] === '-h' || args[i] === '--help') {
    console.log('usage: validate.mjs [--profile base|minikube|prod] [--json] PATH...');
    process.exit(0);
  } else paths.push(args[i]);
}
if (!paths.length || (profile && !PROFILES[profile])) {
  console.error(`usage: validate.mjs [--profile ${Object.keys(PROFILES).join('|')}] [--json] PATH...`);
  process.exit(2);
}

let failed = false;
const report = [];
for (const path of paths) {
  const p = profile ?? (PROFILES[basename(resolve(path))] && path !== '-' ? basename(resolve(path)) : 'base');
  let loaded;
  try {
    loaded = load(path);
  } catch (e) {
    console.error(`${path}: ${e.message}`);
    process.exit(2);
  }
  const errors = await validateDocuments(loaded.docs, p);
  failed ||= errors.length > 0;
  report.push({ path, profile: p, objects: loaded.docs.length, errors });
  if (!json) {
    for (const e of errors) console.log(`${path}: ${formatError(e)}`);
    console.log(`${path} (profile ${p}): ${loaded.docs.length} objects, ${errors.length ? `${errors.length} errors` : 'valid'}`);
  }
}
if (json) console.log(JSON.stringify(report, null, 2));
process.exit(failed ? 1 : 0);
