import { linkSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkProof, makeProof, prepareProofDir, proofDir } from './peer-proof.js';

const dir = mkdtempSync(join(tmpdir(), 'kordon-proof-'));
const socket = join(dir, 'daemon.sock');
prepareProofDir(socket);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('peer proof (DECISIONS 40)', () => {
  it("gives the file owner's uid once", () => {
    const proof = makeProof(socket);
    expect(checkProof(socket, proof)).toBe(process.getuid?.());
    expect(checkProof(socket, proof)).toBeUndefined();
  });

  it('refuses a wrong token, and consumes the file anyway', () => {
    const proof = makeProof(socket);
    expect(checkProof(socket, { ...proof, token: 'x'.repeat(43) })).toBeUndefined();
    expect(checkProof(socket, proof)).toBeUndefined();
  });

  it('refuses a second name for the same file, a readable file and path tricks', () => {
    const proof = makeProof(socket);
    const other = 'B'.repeat(24);
    linkSync(join(proofDir(socket), proof.name), join(proofDir(socket), other));
    expect(checkProof(socket, { name: other, token: proof.token })).toBeUndefined();
    const open = 'C'.repeat(24);
    writeFileSync(join(proofDir(socket), open), 'tok', { mode: 0o644 });
    expect(checkProof(socket, { name: open, token: 'tok' })).toBeUndefined();
    expect(checkProof(socket, { name: '../daemon.sock', token: 'x' })).toBeUndefined();
  });
});
