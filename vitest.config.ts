import { defineConfig } from 'vitest/config';

// Tests import workspace packages from their TypeScript sources (the "@kordon/source"
// export condition), so a unit test needs no build; the CLI integration tests run the built dist/.
const resolve = { conditions: ['@kordon/source'] };

export default defineConfig({
  resolve,
  ssr: { resolve: { conditions: ['@kordon/source'], externalConditions: ['@kordon/source'] } },
  test: {
    projects: [
      { resolve, test: { name: 'unit', include: ['packages/*/src/**/*.test.ts', 'bench/**/*.test.ts'] } },
      {
        resolve,
        test: {
          name: 'integration',
          include: ['packages/*/test/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
