// The Store's contract on SQLite: a fresh file per test.
import Database from 'better-sqlite3';
import { describe } from 'vitest';
import { openSqliteStore } from '../../src/store/index.js';
import { storeContract } from './contract.js';
import { makeTempDir, type TempDir } from './fixtures.js';

let temp: TempDir | undefined;

const folder = (): TempDir => {
  if (temp === undefined) throw new Error('no database yet: fresh() makes it');
  return temp;
};

describe('Store on SQLite', () => {
  storeContract({
    dialect: 'sqlite',
    fresh: () => {
      temp = makeTempDir();
      return Promise.resolve();
    },
    open: () => openSqliteStore({ file: folder().file }),
    execute: (sql) => {
      const raw = new Database(folder().file, { timeout: 5000 });
      try {
        raw.exec(sql);
      } finally {
        raw.close();
      }
      return Promise.resolve();
    },
    cleanup: () => {
      temp?.remove();
      temp = undefined;
      return Promise.resolve();
    },
  });
});
