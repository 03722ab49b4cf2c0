import { defineConfig } from 'vitest/config';

// Three suites: unit (pure code, CDK template assertions, local runtime pieces), integration
// (handlers and the local runtime against DynamoDB Local and fauxqs), e2e (HTTP against the
// local runtime, or any --base-url).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/infra/**/*.test.ts', 'test/local/*.test.ts'],
          testTimeout: 60_000,
          // A file's first synth loads most of aws-cdk-lib: over 10 s on a busy machine.
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/local/emulated/**/*.test.ts'],
          globalSetup: ['test/support/emulators.global.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/runtime.global.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
