// Validates Kubernetes objects against the JSON schemas of kubernetes-models (generated from Kubernetes' OpenAPI
// specification): types, required fields, enums and formats. Input: a JSON file holding an array of objects (the
// Java test converts the YAML). Output: one line per object, "OK <kind>/<name>" or "INVALID <kind>/<name>: <why>".
import { readFileSync } from 'node:fs';

const docs = JSON.parse(readFileSync(process.argv[2], 'utf8'));
for (const doc of docs) {
  const id = `${doc.kind}/${doc.metadata?.name}`;
  const [group, version] = doc.apiVersion.includes('/') ? doc.apiVersion.split('/') : [null, doc.apiVersion];
  const module = group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`;
  let Model;
  try {
    Model = (await import(module))[doc.kind];
  } catch (e) {
    Model = undefined;
  }
  if (!Model) {
    console.log(`INVALID ${id}: no schema for apiVersion ${doc.apiVersion} kind ${doc.kind}`);
    continue;
  }
  try {
    new Model(doc).validate();
    console.log(`OK ${id}`);
  } catch (e) {
    console.log(`INVALID ${id}: ${String(e.message).replace(/\s+/g, ' ')}`);
  }
}
