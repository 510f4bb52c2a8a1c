// The Store's contract on PostgreSQL: one database for the file, its tables emptied before each test.
import { describe } from 'vitest';
import { openPostgresStore } from '../../src/store/index.js';
import { postgresMissing, usePostgresDatabase } from '../support/postgres.js';
import { storeContract } from './contract.js';

const missing = postgresMissing();

describe.skipIf(missing !== undefined)(
  `Store on PostgreSQL${missing === undefined ? '' : ` (${missing})`}`,
  () => {
    const database = usePostgresDatabase();
    storeContract({
      dialect: 'postgres',
      // The schema stays between tests (migrating is the other suites' work): its rows go.
      fresh: () => database().truncate(),
      open: () => openPostgresStore({ url: database().url }),
      execute: async (sql) => {
        await database().query(sql);
      },
      cleanup: () => Promise.resolve(),
    });
  },
);
