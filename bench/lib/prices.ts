// The one price table of the benchmark: AWS list prices, us-east-1, in US dollars.
// Change a price here and every figure the benchmark prints follows.

export const PRICES = {
  apiGateway: {
    /** REST API (API Gateway v1), per million requests (first 333 million a month). */
    restPerMillionRequests: 3.5,
    /** HTTP API (API Gateway v2), per million requests (first 300 million a month). */
    httpPerMillionRequests: 1.0,
  },
  lambda: {
    perMillionRequests: 0.2,
    /** arm64 (Graviton), first 7.5 billion GB-s a month. */
    perGbSecondArm64: 0.0000133334,
  },
  sqs: {
    /** Standard queue. A batch call of up to 10 messages is one request. */
    perMillionRequests: 0.4,
    /** Each 64 KB chunk of a request's payload is billed as one request. */
    billedChunkBytes: 64 * 1024,
  },
  cloudwatchLogs: {
    /** Standard log class, per GB ingested (not in the per-event totals below: reported on its own). */
    perGbIngested: 0.5,
    /** Bytes of metadata billed with each log event. */
    eventOverheadBytes: 26,
  },
  s3: {
    /** S3 Standard: PUT, COPY, POST and LIST requests, per thousand (GET $0.0004; DELETE free). */
    perThousandPuts: 0.005,
    /** S3 Standard storage, first 50 TB, per GB-month (not in the per-event totals: reported on its own). */
    perGbMonth: 0.023,
  },
  athena: {
    /** SQL queries, per TB scanned (TB of 2^40 bytes). */
    perTbScanned: 5,
    /** Bytes scanned are rounded up to a whole MB (2^20 bytes), at least this many per query. */
    minimumMbPerQuery: 10,
  },
  dynamodb: {
    /** On-demand, per million write request units. */
    perMillionWriteUnits: 0.625,
    /** On-demand, per million read request units. */
    perMillionReadUnits: 0.125,
  },
} as const;

/** US dollars for one Athena query that scans `bytes`: rounded up to a MB, at least the minimum. */
export function athenaQueryUsd(bytes: number): number {
  const mb = Math.max(PRICES.athena.minimumMbPerQuery, Math.ceil(bytes / 1024 ** 2));
  return (mb / 1024 ** 2) * PRICES.athena.perTbScanned;
}

/** Resource use per ingested event (everything the event causes, stats reads excluded). */
export interface PerEventUsage {
  /** Requests per event to the ingestion front (1: one POST /event), billed by API Gateway, free through a function URL. */
  apiRequests: number;
  /** Lambda invocations and GB-seconds per event, per function. */
  lambda: Array<{ name: string; invocations: number; gbSeconds: number }>;
  /** Billed SQS requests per event (64 KB chunks counted). */
  sqsRequests: number;
  /** S3 PUT requests per event (the lake's objects). */
  s3Puts: number;
  writeUnits: number;
  readUnits: number;
}

export interface CostBreakdown {
  api: number;
  lambdaRequests: number;
  lambdaCompute: number;
  sqs: number;
  s3: number;
  dynamodbWrites: number;
  dynamodbReads: number;
  total: number;
}

/** What ingestion goes through: a REST API, an HTTP API, or a Lambda function URL (no request fee of its own). */
export type IngestionFront = 'rest' | 'http' | 'function-url';

/** US dollars per million events, for one ingestion front. */
export function costPerMillionEvents(usage: PerEventUsage, api: IngestionFront): CostBreakdown {
  const M = 1_000_000;
  const apiPrice = api === 'rest' ? PRICES.apiGateway.restPerMillionRequests : api === 'http' ? PRICES.apiGateway.httpPerMillionRequests : 0;
  const invocations = usage.lambda.reduce((sum, f) => sum + f.invocations, 0);
  const gbSeconds = usage.lambda.reduce((sum, f) => sum + f.gbSeconds, 0);
  const parts = {
    api: usage.apiRequests * apiPrice,
    lambdaRequests: invocations * PRICES.lambda.perMillionRequests,
    lambdaCompute: gbSeconds * M * PRICES.lambda.perGbSecondArm64,
    sqs: usage.sqsRequests * PRICES.sqs.perMillionRequests,
    s3: usage.s3Puts * M * (PRICES.s3.perThousandPuts / 1000),
    dynamodbWrites: usage.writeUnits * PRICES.dynamodb.perMillionWriteUnits,
    dynamodbReads: usage.readUnits * PRICES.dynamodb.perMillionReadUnits,
  };
  const total = Object.values(parts).reduce((x, y) => x + y, 0);
  return { ...parts, total };
}

/** US dollars for one GET /stats call. */
export function costPerStatsCall(readUnits: number, gbSeconds: number, api: 'rest' | 'http'): number {
  const M = 1_000_000;
  const apiPrice = api === 'rest' ? PRICES.apiGateway.restPerMillionRequests : PRICES.apiGateway.httpPerMillionRequests;
  return (
    apiPrice / M +
    PRICES.lambda.perMillionRequests / M +
    gbSeconds * PRICES.lambda.perGbSecondArm64 +
    (readUnits * PRICES.dynamodb.perMillionReadUnits) / M
  );
}
