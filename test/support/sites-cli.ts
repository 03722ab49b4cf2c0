import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../../local/paths.ts';

/**
 * `npm run sites -- <args> <target> --json`, as its own process: `target` names the table
 * (`--table NAME`; DynamoDB Local's endpoint comes from the environment) or the running npm start
 * (`--state-file FILE`).
 */
export function sitesCli(target: readonly string[], ...args: string[]): { status: number; json?: any; stderr: string } {
  const script = path.join(PROJECT_ROOT, 'ops/sites.ts');
  try {
    const out = execFileSync(process.execPath, ['--import', 'tsx', script, ...args, ...target, '--json'], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { status: 0, json: JSON.parse(out), stderr: '' };
  } catch (error) {
    const failed = error as { status: number; stderr: string };
    return { status: failed.status, stderr: failed.stderr };
  }
}
