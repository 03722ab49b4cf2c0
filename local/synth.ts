// `cdk synth` for the local runtime and tests, offline.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './paths.ts';

/** Runs `cdk synth --quiet --output <outDir>` offline (no credentials, no version check, no instance metadata). */
export async function synthesize(opts: { outDir: string; context?: Record<string, string>; app?: string; cwd?: string }): Promise<void> {
  const cwd = opts.cwd ?? PROJECT_ROOT;
  const localCdk = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'cdk');
  const [command, prefix] = existsSync(localCdk) ? [localCdk, []] : ['npx', ['cdk']];
  const args = [...prefix, 'synth', '--quiet', '--output', opts.outDir];
  if (opts.app) args.push('--app', opts.app);
  for (const [key, value] of Object.entries(opts.context ?? {})) args.push('-c', `${key}=${value}`);
  const env: NodeJS.ProcessEnv = { ...process.env, CDK_DISABLE_VERSION_CHECK: '1', AWS_EC2_METADATA_DISABLED: 'true' };
  for (const key of [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_SECURITY_TOKEN',
    'AWS_PROFILE',
    'AWS_DEFAULT_PROFILE',
    'AWS_ROLE_ARN',
    'AWS_WEB_IDENTITY_TOKEN_FILE',
    'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
    'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  ]) {
    delete env[key];
  }
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`cdk synth failed (exit code ${code}):\n${output.trim()}`));
    });
  });
}
