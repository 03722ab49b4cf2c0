import path from 'node:path';
import { buildSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../local/paths.ts';

/** A function's bundle as the stack builds it (ESM, the AWS SDK left to the runtime), and the files it holds. */
function built(entry: string): { code: string; inputs: string[] } {
  const result = buildSync({
    entryPoints: [path.join(PROJECT_ROOT, entry)],
    bundle: true,
    format: 'esm',
    platform: 'node',
    external: ['@aws-sdk/*'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return { code: result.outputFiles[0]!.text, inputs: Object.keys(result.metafile.inputs) };
}

const bundle = (entry: string): string => built(entry).code;

/** The packages a bundle imports when it loads (static imports), and those it imports on demand. */
function imports(code: string): { atLoad: Set<string>; onDemand: Set<string> } {
  return {
    atLoad: new Set([...code.matchAll(/^import\s[^;]*?from\s*"(@aws-sdk\/[^"]+)"/gm)].map((m) => m[1]!)),
    onDemand: new Set([...code.matchAll(/import\("(@aws-sdk\/[^"]+)"\)/g)].map((m) => m[1]!)),
  };
}

describe('the stats function bundle', () => {
  it('loads the S3 client and the URL signer only for an export, not when it starts', () => {
    // Act
    const { atLoad, onDemand } = imports(bundle('functions/stats/handler.ts'));

    // Assess
    expect(atLoad).toContain('@aws-sdk/client-dynamodb');
    expect(atLoad).not.toContain('@aws-sdk/client-s3');
    expect(atLoad).not.toContain('@aws-sdk/s3-request-presigner');
    expect(onDemand).toContain('@aws-sdk/client-s3');
    expect(onDemand).toContain('@aws-sdk/s3-request-presigner');
  });
});

describe('the lake engine on AWS (athena-engine.ts)', () => {
  it('loads the Athena client on its first query, so the stats function starts without it', () => {
    // Act
    const engine = imports(bundle('functions/store/lake/athena-engine.ts'));
    const stats = imports(bundle('functions/stats/handler.ts'));

    // Assess
    expect(engine.atLoad.size).toBe(0);
    expect(engine.onDemand).toEqual(new Set(['@aws-sdk/client-athena']));
    expect(stats.atLoad).not.toContain('@aws-sdk/client-athena');
  });
});

describe('the ingest function bundles', () => {
  it('open ingestion loads no SDK package when it starts (it signs its SendMessage itself), DynamoDB only for a request that back-dates events', () => {
    // Act
    const { atLoad, onDemand } = imports(bundle('functions/ingest/handler.ts'));

    // Assess
    expect(atLoad).toEqual(new Set());
    expect(onDemand).not.toContain('@aws-sdk/client-sqs');
    expect(onDemand).toContain('@aws-sdk/client-dynamodb');
    expect(onDemand).toContain('@aws-sdk/lib-dynamodb');
    expect(onDemand).toContain('@aws-sdk/client-secrets-manager');
  });

  it('restricted ingestion loads the DynamoDB packages when it starts (it reads registrations)', () => {
    // Act
    const { atLoad } = imports(bundle('functions/ingest/restricted-handler.ts'));

    // Assess
    expect(atLoad).toContain('@aws-sdk/lib-dynamodb');
    expect(atLoad).not.toContain('@aws-sdk/client-sqs');
  });

  it.each(['functions/ingest/handler.ts', 'functions/ingest/restricted-handler.ts'])('%s bundles no Powertools package (its log and metric lines are written by log-lines.ts and emf-metrics.ts)', (entry) => {
    // Act
    const { inputs } = built(entry);

    // Assess
    expect(inputs.filter((file) => file.includes('@aws-lambda-powertools'))).toEqual([]);
    expect(inputs).toContain('functions/commons/log-lines.ts');
  });
});

describe('the ingest bundles of the function URL (-c ingestion=function-url)', () => {
  it.each([
    ['functions/ingest/url-handler.ts', 'functions/ingest/handler.ts'],
    ['functions/ingest/restricted-url-handler.ts', 'functions/ingest/restricted-handler.ts'],
  ])('%s loads the same AWS SDK clients at start as %s, and no more', (urlEntry, apiEntry) => {
    // Act
    const url = imports(bundle(urlEntry));
    const api = imports(bundle(apiEntry));

    // Assess
    expect([...url.atLoad].sort()).toEqual([...api.atLoad].sort());
    expect([...url.onDemand].sort()).toEqual([...api.onDemand].sort());
  });
});
