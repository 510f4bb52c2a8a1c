// The console's API types are generated from the gateway's OpenAPI document (npm test builds the
// gateway first): a stale copy of src/api/schema.d.ts fails here.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
// @ts-expect-error: a plain ES module script without types.
import { generate, stale, target } from '../scripts/generate-api.mjs';

it('src/api/schema.d.ts matches the management API (else: npm run generate -w @kordon/admin-ui)', async () => {
  const committed = readFileSync(target as string, 'utf8');
  const fresh = await (generate as () => Promise<string>)();
  expect(committed === fresh, stale as string).toBe(true);
});
