import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importCyclePlugin } from './services/common/src/lint/no-import-cycle.ts';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/generated/**', '.data/**', '.cache/**', '**/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Modules of a package import each other one way: no circles (services/common/src/lint/no-import-cycle.ts).
    plugins: { ansinh: importCyclePlugin },
    rules: { 'ansinh/no-import-cycle': 'error' },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // Tests walk GraphQL answers as untyped JSON.
    files: ['**/*.test.ts', '**/support/**/*.ts', '**/bench/**/*.ts', '**/e2e/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
