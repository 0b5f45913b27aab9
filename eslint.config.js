import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import svelte from 'eslint-plugin-svelte';

/** Lint rules: typescript-eslint recommended, plus the project's determinism rule for simulation code. */
export default tseslint.config(
  {
    ignores: ['node_modules', 'data', 'reports', 'screenshots', 'site/.svelte-kit', 'site/build', '**/*.cjs'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      globals: { ...globals.browser },
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] },
    },
    // The site is served at the root path: plain hrefs are fine.
    rules: { 'svelte/no-navigation-without-resolve': 'off' },
  },
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Simulation code is deterministic: seeded RNG streams only, never the clock.
    files: ['engine/**/*.ts', 'ecology/**/*.ts'],
    ignores: [
      '**/*.test.ts',
      'engine/net/**',
      'engine/world/scheduler.ts',
      'engine/world/pool.ts',
      'engine/world/lane.ts',
    ],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'Math',
          property: 'random',
          message: 'Simulation code uses seeded RNG streams (engine/rng).',
        },
        { object: 'Date', property: 'now', message: 'Simulation code never reads the clock.' },
        { object: 'performance', property: 'now', message: 'Simulation code never reads the clock.' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date']", message: 'Simulation code never reads the clock.' },
      ],
    },
  },
);
