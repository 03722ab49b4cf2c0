import { hashApiKey } from '../domain/api-keys.ts';

/** After a failed read of the secret, how long requests wait before it is tried again. */
export const SECRET_RETRY_MS = 5_000;

/** The admin key's hash: `peek` what is known without waiting, `load` it (reading the secret if need be). */
export interface AdminKey {
  peek(): string | undefined;
  load(): Promise<string | undefined>;
}

/**
 * The admin key's hash, read once: from `ADMIN_API_KEY` (the local runtime), else from the
 * Secrets Manager secret `ADMIN_API_KEY_SECRET_ARN` (the deployed stack generates it) on first
 * use; undefined when neither is set. After a failed read, `load` fails at once for
 * SECRET_RETRY_MS before the secret is read again.
 */
export function adminKey(
  env: NodeJS.ProcessEnv = process.env,
  read: (secretId: string) => Promise<string> = readSecret,
  now: () => number = Date.now,
): AdminKey {
  const plain = env.ADMIN_API_KEY;
  if (plain) {
    const hash = hashApiKey(plain);
    return { peek: () => hash, load: async () => hash };
  }
  const secretId = env.ADMIN_API_KEY_SECRET_ARN;
  if (!secretId) return { peek: () => undefined, load: async () => undefined };
  let hash: string | undefined;
  let loading: Promise<string> | undefined;
  let failed: { error: unknown; at: number } | undefined;
  return {
    peek: () => hash,
    load() {
      if (hash) return Promise.resolve(hash);
      if (failed && now() - failed.at < SECRET_RETRY_MS) return Promise.reject(failed.error);
      loading ??= read(secretId).then(
        (value) => (hash = hashApiKey(value)),
        (error: unknown) => {
          failed = { error, at: now() };
          loading = undefined;
          throw error;
        },
      );
      return loading;
    },
  };
}

/** A secret's string value. The client is loaded only when a secret is read. */
async function readSecret(secretId: string): Promise<string> {
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const { SecretString } = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: secretId }));
  if (!SecretString) throw new Error(`secret ${secretId} has no string value`);
  return SecretString;
}
