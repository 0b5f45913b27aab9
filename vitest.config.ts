import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'engine/**/*.test.ts',
      'ecology/**/*.test.ts',
      'lab/**/*.test.ts',
      'site/server/**/*.test.ts',
      'site/src/lib/**/*.test.ts',
      'site/tests/**/*.test.ts',
      'tests/**/*.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['site/tests/global-setup.ts'],
  },
});
