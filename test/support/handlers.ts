// Loads a function's handler module the way Lambda starts it: a fresh import with the
// environment the stack gives that function (read once at module load, as the handlers do).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { vi } from 'vitest';
import { PROJECT_ROOT } from '../../local/paths.ts';

/** Imports `module` (relative to the project root, e.g. `functions/ingest/handler.ts`) anew with `env`, and returns its handler. */
export async function loadHandler<T>(module: string, env: Record<string, string>): Promise<T> {
  vi.resetModules();
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  try {
    const loaded = (await import(pathToFileURL(path.join(PROJECT_ROOT, module)).href)) as { handler: T };
    return loaded.handler;
  } finally {
    vi.unstubAllEnvs();
  }
}
