// Values the global setups hand to tests through vitest's provide/inject.
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** DynamoDB Local endpoint (integration suite; e2e suite when it runs the local runtime). */
    dynamodbEndpoint: string;
    /** fauxqs endpoint; build SQS clients with it and useQueueUrlAsEndpoint: false. */
    sqsEndpoint: string;
    /** e2e: the API's base URL with its stage (local runtime), or E2E_BASE_URL. */
    baseUrl: string;
    /** e2e: whether baseUrl is the local runtime started by the suite (false for E2E_BASE_URL). */
    localRuntime: boolean;
    /** e2e with the local runtime: table names by logical id ({} for E2E_BASE_URL). */
    tables: Record<string, string>;
    /** e2e with the local runtime: queue URLs by logical id ({} for E2E_BASE_URL). */
    queues: Record<string, string>;
    /** e2e: the admin key of the stats API (E2E_ADMIN_API_KEY for E2E_BASE_URL). */
    adminKey: string;
    /** e2e: the options that point `npm run keys` at the API's sites table; undefined when unknown (E2E_BASE_URL without E2E_SITES_TABLE). */
    keysTarget: string[] | undefined;
  }
}
