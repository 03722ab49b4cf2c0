/** Where a setting came from: CDK context (`cdk.json`, `-c key=value`) or a prop of the construct. */
export type SettingSource = 'context' | 'prop';

/** Thrown for a setting that cannot be used; the message names the key (and whether it was context or a prop). */
export class ConfigError extends Error {
  constructor(
    readonly key: string,
    readonly expectation: string,
    readonly value: unknown,
    source: SettingSource = 'context',
  ) {
    const what = source === 'context' ? 'Invalid CDK context value for' : 'Invalid WebsiteAnalytics prop';
    super(`${what} "${key}": expected ${expectation}, got ${JSON.stringify(value)}`);
    this.name = 'ConfigError';
  }
}
