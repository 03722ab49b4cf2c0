import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../../local/paths.ts';

/** `npm run sites -- <args> --table <table> --json`, as its own process (DynamoDB Local's endpoint comes from the environment). */
export function sitesCli(table: string, ...args: string[]): { status: number; json?: any; stderr: string } {
  const script = path.join(PROJECT_ROOT, 'ops/sites.ts');
  try {
    const out = execFileSync(process.execPath, ['--import', 'tsx', script, ...args, '--table', table, '--json'], {
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
