// Jest config for the real-n8n end-to-end tests (test/e2e/*.e2e.test.ts).
//   npx jest -c test/e2e/jest.e2e.config.js          (E2E_LINES=1 or 2 to pick one n8n line)
// Slow by nature: each test installs (cached) and boots real n8n processes, so tests run one at a time.
const path = require('path');

/** @type {import('jest').Config} */
module.exports = {
  rootDir: path.resolve(__dirname, '..', '..'),
  roots: ['<rootDir>/test/e2e'],
  testMatch: ['<rootDir>/test/e2e/**/*.e2e.test.ts'],
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/e2e/tsconfig.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  maxWorkers: 1,
  // a cold n8n install is ~5-10 min per line; hooks/tests that may install pass their own longer timeouts
  testTimeout: 10 * 60 * 1000,
  slowTestThreshold: 60,
  verbose: true,
  // A suite that leaves a handle open (a child process pipe, a keep-alive socket) must not hold CI until its
  // hard timeout: the last CI run finished all tests in 22 min and then hung for an hour. Every suite stops
  // its own servers in afterAll; forceExit only ends what a failure path forgot.
  forceExit: true,
};
