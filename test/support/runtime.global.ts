// Global setup of the e2e suite. With E2E_BASE_URL set, the tests run against that API (deployed
// to AWS or LocalStack) and nothing is started. Otherwise the local runtime is started on a free
// port, with a 1 s batching window so the pipeline settles quickly.
//
// Output of the runtime is shown only for errors, unless E2E_RUNTIME_LOG=1.
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { newApiKey } from '../../functions/domain/api-keys.ts';
import { PROJECT_ROOT, startLocalRuntime } from '../../local/runtime.ts';

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const remote = process.env.E2E_BASE_URL;
  if (remote) {
    project.provide('baseUrl', remote);
    project.provide('localRuntime', false);
    project.provide('tables', {});
    project.provide('queues', {});
    project.provide('adminKey', process.env.E2E_ADMIN_API_KEY ?? '');
    project.provide('keysTarget', process.env.E2E_SITES_TABLE ? ['--table', process.env.E2E_SITES_TABLE] : undefined);
    return undefined;
  }
  const adminKey = newApiKey();
  // `npm run keys` finds the runtime's sites table through this file, as it finds npm start's.
  const stateFile = path.join(PROJECT_ROOT, '.local', 'runtime.e2e.json');
  const verbose = process.env.E2E_RUNTIME_LOG === '1';
  const runtime = await startLocalRuntime({
    port: 0,
    context: { batchWindowSeconds: '1' },
    environment: { ADMIN_API_KEY: adminKey },
    stateFile,
    // Its own assembly folder, so a concurrent `npm start` or `cdk synth` is not disturbed.
    cdkOut: path.join(PROJECT_ROOT, '.local', 'cdk.out.e2e'),
    log: (line) => {
      if (verbose || /\bERROR\b|whole batch failed|failed:/.test(line)) console.log(`[local runtime] ${line}`);
    },
  });
  if (!runtime.apiUrl) {
    await runtime.stop();
    throw new Error('The synthesized stack has no REST API (AWS::ApiGateway::RestApi) for the local runtime to serve; set E2E_BASE_URL to test a deployed API');
  }
  project.provide('baseUrl', runtime.apiUrl);
  project.provide('localRuntime', true);
  project.provide('dynamodbEndpoint', runtime.dynamodbEndpoint);
  project.provide('sqsEndpoint', runtime.sqsEndpoint);
  project.provide('tables', runtime.tables);
  project.provide('queues', runtime.queues);
  project.provide('adminKey', adminKey);
  project.provide('keysTarget', ['--state-file', stateFile]);
  return () => runtime.stop();
}
