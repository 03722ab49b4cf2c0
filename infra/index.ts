// The npm package's entry point (package.json "exports"): the construct, its props and what its
// public properties are typed with. Compiled to dist/ by `npm run build:lib` (infra/package/build.ts).
export { WebsiteAnalytics } from './website-analytics.ts';
export { API_TYPES, LOG_LEVELS, type ApiType, type LogLevel, type WebsiteAnalyticsProps } from './settings.ts';
export { ConfigError, DEFAULT_CONFIG, SETTING_KEYS, resolveConfig, type StackConfig } from './config.ts';
export { AnalyticsFunction } from './analytics-function.ts';
export type { AnalyticsApi } from './api.ts';
export type { Lake } from './lake.ts';
export type { Monitoring } from './monitoring.ts';
