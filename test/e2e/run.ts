/**
 * Runs the end-to-end suite. `npm run test:e2e` starts the local runtime itself;
 * `npm run test:e2e -- --base-url URL` runs the same tests against a deployed API
 * (LocalStack or AWS), e.g. the `ApiUrl` output of the stack.
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { 'base-url': { type: 'string' } }, strict: true });
const env = { ...process.env };
if (values['base-url']) {
  const url = new URL(values['base-url']);
  env.E2E_BASE_URL = url.toString();
  console.log(`end-to-end tests against ${env.E2E_BASE_URL}`);
}
const result = spawnSync('npx', ['vitest', 'run', '--project', 'e2e'], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
