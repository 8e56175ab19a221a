// All checks of one rendered set of objects: Kubernetes schemas, unknown fields, the project's rules.
import { ref } from './render.mjs';
import { schemaErrors, unknownFields } from './schema.mjs';
import { policyErrors } from './policy.mjs';

// [{rule, object, message}] — empty when everything passes.
export async function validateDocuments(docs, profile) {
  const errors = [];
  for (const o of docs) {
    for (const e of await schemaErrors(o)) errors.push({ rule: 'schema', object: ref(o), message: `${e.path || '(object)'}: ${e.message}` });
    const unknown = unknownFields(o);
    if (unknown === null) errors.push({ rule: 'unknown-field', object: ref(o), message: `no model for ${o.apiVersion} ${o.kind}: unknown fields cannot be checked` });
    else for (const e of unknown) errors.push({ rule: 'unknown-field', object: ref(o), message: `${e.path}: ${e.message}` });
  }
  errors.push(...policyErrors(docs, profile));
  return errors;
}

export const formatError = (e) => `[${e.rule}] ${e.object}: ${e.message}`;
