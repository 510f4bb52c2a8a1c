// The console's API types are generated from the gateway's OpenAPI document: a stale copy fails here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
// @ts-expect-error: a plain ES module script without types.
import { generate } from '../scripts/generate-api.mjs';

it('src/api/schema.d.ts matches the management API (else: npm run generate -w @kordon/admin-ui)', async () => {
  const committed = readFileSync(join(import.meta.dirname, '..', 'src', 'api', 'schema.d.ts'), 'utf8');
  const fresh = await (generate as () => Promise<string>)();
  expect(committed === fresh, 'src/api/schema.d.ts is stale: run npm run generate -w @kordon/admin-ui').toBe(
    true,
  );
});
