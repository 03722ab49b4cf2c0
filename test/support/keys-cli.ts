import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../../local/paths.ts';

/** Runs `npm run keys -- <args> <target> --json` (the same script, as its own process) and parses its output. */
export function keysCli(target: string[], ...args: string[]): any {
  const script = path.join(PROJECT_ROOT, 'ops/keys.ts');
  const out = execFileSync(process.execPath, ['--import', 'tsx', script, ...args, ...target, '--json'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  return JSON.parse(out);
}
