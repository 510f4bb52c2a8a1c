// Writes src/api/schema.d.ts from the management API's OpenAPI document (`kordon-gateway openapi`,
// from the built gateway: `npx tsc -b packages/gateway` first), through openapi-typescript's Node
// API, so the console's request and reply types are never copied by hand. test/schema.test.ts
// regenerates it in memory and fails when the file is stale. `--check` only compares.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const cli = join(root, 'packages/gateway/dist/cli/main.js');
export const target = join(here, '..', 'src', 'api', 'schema.d.ts');
export const stale = 'src/api/schema.d.ts is stale: run npm run generate -w @kordon/admin-ui';

/** The OpenAPI document the built gateway prints. */
function openapiDocument() {
  if (!existsSync(cli))
    throw new Error(`${cli} is missing: build the gateway first (npx tsc -b packages/gateway)`);
  const run = spawnSync(process.execPath, [cli, 'openapi'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) {
    throw new Error(
      `kordon-gateway openapi failed under Node ${process.versions.node} (the project's Node 24 runs it through npm):\n${run.stderr}`,
    );
  }
  return JSON.parse(run.stdout);
}

/** The text schema.d.ts should have. */
export async function generate() {
  const ast = await openapiTS(openapiDocument());
  return `// Generated from the management API's OpenAPI document by scripts/generate-api.mjs: do not edit.\n${astToString(ast)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = await generate();
  if (process.argv.includes('--check')) {
    if (readFileSync(target, 'utf8') !== text) {
      console.error(stale);
      process.exit(1);
    }
    console.log('src/api/schema.d.ts is up to date');
  } else {
    const before = existsSync(target) ? readFileSync(target, 'utf8') : '';
    writeFileSync(target, text);
    console.log(before === text ? `${target}: unchanged` : `wrote ${target}`);
  }
}
