// One jest run over every workspace: PostgreSQL and Keycloak are started once (globalSetup), a
// migrated template database is made once, and each test file works on its own clone of it.
const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2024', keepClassNames: true },
    module: { type: 'es6' },
  },
];

const project = (displayName, rootDir, testMatch = ['<rootDir>/**/*.test.ts']) => ({
  displayName,
  rootDir,
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  testMatch,
  testPathIgnorePatterns: ['/node_modules/'],
  slowTestThreshold: 20,
});

export default {
  globalSetup: '<rootDir>/tests/support/global-setup.ts',
  globalTeardown: '<rootDir>/tests/support/global-teardown.ts',
  transform: { '^.+\\.ts$': swc },
  testTimeout: 60_000,
  // Test files run in workers that are replaced once they hold more than this after a file: under ESM
  // every file loads its own copy of the modules, and one process running them all (jest's choice on a
  // 2-core machine) ran out of heap after 20 minutes.
  workerIdleMemoryLimit: '1GB',
  reporters: ['default', '<rootDir>/tests/support/summary-reporter.js'],
  projects: [
    project('common', '<rootDir>/services/common'),
    project('registry', '<rootDir>/services/registry'),
    project('approvals', '<rootDir>/services/approvals'),
    project('payments', '<rootDir>/services/payments'),
    project('reporting', '<rootDir>/services/reporting'),
    project('console', '<rootDir>/services/console', ['<rootDir>/{server,e2e,src}/**/*.test.ts']),
    project('gateway', '<rootDir>/gateway'),
    project('infra', '<rootDir>/infra'),
    project('schema', '<rootDir>/schema'),
    project('tests', '<rootDir>/tests'),
  ],
};
