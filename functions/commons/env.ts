/** Thrown at cold start when a setting is missing or malformed, naming the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** A required environment variable. */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value === '') throw new ConfigError(`Environment variable ${name} is required`);
  return value;
}

/** An integer environment variable within [min, max], or the default when unset. */
export function intEnv(
  name: string,
  options: { default?: number; min?: number; max?: number },
  env: NodeJS.ProcessEnv = process.env,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    if (options.default === undefined) throw new ConfigError(`Environment variable ${name} is required`);
    return options.default;
  }
  const value = Number(raw);
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = options;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`Environment variable ${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** A boolean environment variable (`true` or `false`), or the default when unset. */
export function booleanEnv(name: string, fallback: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new ConfigError(`Environment variable ${name} must be "true" or "false", got "${raw}"`);
}
