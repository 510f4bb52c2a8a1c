// The error catalogue (packages/core/src/catalogue.ts) is what the documentation promises: every code
// the gateway can send is written down where an integrator reads it.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeCodes, failureReasons, messageErrorCodes, restErrorCodes } from '@kordon/core';

const docs = resolve(import.meta.dirname, '../../../docs');
const protocol = readFileSync(resolve(docs, 'protocol.md'), 'utf8');
const managementApi = readFileSync(resolve(docs, 'management-api.md'), 'utf8');

describe('every code in the catalogue is documented', () => {
  it('close codes, in docs/protocol.md', () => {
    for (const code of Object.keys(closeCodes)) expect(protocol, code).toMatch(new RegExp(`\\b${code}\\b`));
  });

  it('error codes and auth_state reasons, in docs/protocol.md', () => {
    for (const code of [...Object.keys(messageErrorCodes), ...Object.keys(failureReasons)]) {
      expect(protocol, code).toContain(`\`${code}\``);
    }
  });

  it('REST error codes, in docs/management-api.md', () => {
    for (const code of Object.keys(restErrorCodes)) expect(managementApi, code).toContain(`\`${code}\``);
  });
});
