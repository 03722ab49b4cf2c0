import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is local/paths.ts). */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
