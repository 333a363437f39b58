import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Imports flow shared → features → app (bulletproof-react): shared code (components, lib,
// config, testing) never imports a feature or the app, and a feature never imports another
// feature or the app. Only src/app composes features.
const features = readdirSync(new URL('./src/features', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

const restrict = (patterns) => ({
  'no-restricted-imports': ['error', { patterns }],
});

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'src/gql', 'test-results', 'playwright-report'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    files: ['**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/components/**', 'src/lib/**', 'src/config/**', 'src/testing/**'],
    rules: restrict([
      { group: ['@/features/*', '@/features/**'], message: 'Shared code must not import features.' },
      { group: ['@/app/*', '@/app/**'], message: 'Shared code must not import the app.' },
    ]),
  },
  ...features.map((name) => ({
    files: [`src/features/${name}/**`],
    rules: restrict([
      {
        group: ['@/features/*', `!@/features/${name}`, '@/features/*/**', `!@/features/${name}/**`],
        message: 'Features must not import each other; move shared code to src/components or src/lib.',
      },
      { group: ['@/app/*', '@/app/**'], message: 'Features must not import the app.' },
      { group: ['../../*'], message: 'Use @/ imports to leave a feature.' },
    ]),
  })),
  {
    files: ['public/**/*.js'],
    languageOptions: { globals: { ...globals.browser }, sourceType: 'script' },
  },
  {
    files: ['*.{js,mjs,ts}', 'scripts/**', 'e2e/**'],
    languageOptions: { globals: { ...globals.node } },
  },
);
