// Writes src/api/schema.d.ts from the management API's OpenAPI document (`kordon-gateway openapi`,
// from the built gateway), so the console's request and reply types are never copied by hand.
// `--check` only compares, and fails when the file is stale.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const target = join(here, '..', 'src', 'api', 'schema.d.ts');

export async function generate() {
  const run = spawnSync(process.execPath, [join(root, 'packages/gateway/bin/kordon-gateway.js'), 'openapi'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0)
    throw new Error(`kordon-gateway openapi failed (build the gateway first):\n${run.stderr}`);
  const ast = await openapiTS(JSON.parse(run.stdout));
  return `// Generated from the management API's OpenAPI document by scripts/generate-api.mjs: do not edit.\n${astToString(ast)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = await generate();
  if (process.argv.includes('--check')) {
    if (readFileSync(target, 'utf8') !== text) {
      console.error('src/api/schema.d.ts is stale: run npm run generate -w @kordon/admin-ui');
      process.exit(1);
    }
  } else {
    writeFileSync(target, text);
    console.log(`wrote ${target}`);
  }
}
