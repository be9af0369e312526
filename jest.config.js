/**
 * Jest runs the TypeScript sources through SWC (transpile only, fast); `npm test` type-checks with
 * `tsc --noEmit` before Jest starts, so no test runs on code that does not compile.
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
  // Two workers on this 2-core machine: the Terraform suites spend most of their time in child processes.
  maxWorkers: 2,
  verbose: true,
};
