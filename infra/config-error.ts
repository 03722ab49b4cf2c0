/** Thrown for a context value that cannot be used; the message names the key. */
export class ConfigError extends Error {
  constructor(
    readonly key: string,
    expectation: string,
    value: unknown,
  ) {
    super(`Invalid CDK context value for "${key}": expected ${expectation}, got ${JSON.stringify(value)}`);
    this.name = 'ConfigError';
  }
}
