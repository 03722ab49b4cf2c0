import { defineConfig } from 'vitest/config';

// Four suites, one folder each: unit (test/unit: pure code and CDK template assertions),
// integration (test/integration: handlers against DynamoDB Local and fauxqs), e2e (test/e2e: HTTP
// against the local runtime, or any --base-url), local (local/test: the local runtime itself, its
// pieces alone and against the emulators).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 60_000,
          // A file's first synth loads aws-cdk-lib: over 10 s (the default) on a busy machine.
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/emulators.global.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'local',
          include: ['local/test/**/*.test.ts'],
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
