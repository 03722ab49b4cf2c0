import { hashApiKey } from '../domain/api-keys.ts';

/**
 * The admin key's hash, read once: from `ADMIN_API_KEY` (the local runtime), else from the
 * Secrets Manager secret `ADMIN_API_KEY_SECRET_ARN` (the deployed stack generates it) on first
 * use; undefined when neither is set. A failed read is tried again on the next call.
 */
export function adminKeyHash(env: NodeJS.ProcessEnv = process.env, read: (secretId: string) => Promise<string> = readSecret): () => Promise<string | undefined> {
  const plain = env.ADMIN_API_KEY;
  if (plain) {
    const hash = hashApiKey(plain);
    return async () => hash;
  }
  const secretId = env.ADMIN_API_KEY_SECRET_ARN;
  if (!secretId) return async () => undefined;
  let loading: Promise<string> | undefined;
  return () =>
    (loading ??= read(secretId).then(hashApiKey, (error: unknown) => {
      loading = undefined;
      throw error;
    }));
}

/** A secret's string value. The client is loaded only when a secret is read. */
async function readSecret(secretId: string): Promise<string> {
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const { SecretString } = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: secretId }));
  if (!SecretString) throw new Error(`secret ${secretId} has no string value`);
  return SecretString;
}
