// Unit and integration suites (the e2e suite against a real n8n has its own config under test/e2e).
/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	testPathIgnorePatterns: ['/node_modules/', '/test/e2e/'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
	testTimeout: 60000,
	// see test/e2e/jest.e2e.config.js: never hold CI on a forgotten handle
	forceExit: true,
	setupFiles: ['<rootDir>/test/setup-env.js'],
};
