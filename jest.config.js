/**
 * Jest runs the TypeScript sources through SWC (transpile only, fast); `npm test` type-checks beside Jest
 * (`cli/docs/check.ts`, which also checks the README tables; the two overlap on a 2-core machine) and fails
 * when either fails.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": [
      "@swc/jest",
      { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } },
    ],
  },
  setupFilesAfterEnv: ["<rootDir>/__tests__/support/setup-jest.ts"],
  globalSetup: "<rootDir>/__tests__/support/global-setup.ts",
  testSequencer: "<rootDir>/__tests__/support/sequencer.js",
  globalTeardown: "<rootDir>/__tests__/support/global-teardown.ts",
  // Two workers: the Terraform suites spend most of their time waiting on terraform child processes.
  maxWorkers: 2,
  verbose: true,
};
