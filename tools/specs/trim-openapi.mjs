#!/usr/bin/env node
// Keeps the given operations of an OpenAPI 3 document and everything they reference, so the tests carry
// only the part of a provider's published spec they use. Usage (see Tests/Providers/specs/SOURCES.md):
//   node tools/specs/trim-openapi.mjs SPEC.json OUT.json "get /path" "post /path" ...
import { readFileSync, writeFileSync } from 'node:fs';

const [spec, out, ...operations] = process.argv.slice(2);
if (!spec || !out || operations.length === 0) {
  console.error('usage: trim-openapi.mjs SPEC.json OUT.json "METHOD /path" ...');
  process.exit(2);
}

const source = JSON.parse(readFileSync(spec, 'utf8'));
const trimmed = { ...source, paths: {}, components: { securitySchemes: source.components?.securitySchemes, schemas: {} } };
const pending = [];

for (const operation of operations) {
  const [method, path] = operation.split(' ');
  const item = source.paths[path]?.[method];
  if (!item) {
    console.error(`no operation ${operation} in ${spec}`);
    process.exit(1);
  }
  // Path-level keys (servers, parameters, x-twilio) come along with the first operation of the path.
  const { get, post, put, patch, delete: del, ...shared } = source.paths[path];
  trimmed.paths[path] ??= { ...shared };
  trimmed.paths[path][method] = item;
  pending.push(item, shared);
}

// Follows every local $ref to a schema, transitively.
while (pending.length > 0) {
  const node = pending.pop();
  if (Array.isArray(node)) {
    pending.push(...node);
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith('#/components/schemas/')) {
        const name = value.slice('#/components/schemas/'.length);
        if (!(name in trimmed.components.schemas)) {
          trimmed.components.schemas[name] = source.components.schemas[name];
          pending.push(source.components.schemas[name]);
        }
      } else {
        pending.push(value);
      }
    }
  }
}

writeFileSync(out, JSON.stringify(trimmed, null, 1) + '\n');
console.log(`${out}: ${Object.keys(trimmed.paths).length} paths, ${Object.keys(trimmed.components.schemas).length} schemas`);
