import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpResponse, ProxyEventLike } from '../../../functions/commons/http.ts';
import { AnalyticsFunction } from '../../../infra/analytics-function.ts';
import { countryDatabaseSourceFile, withCountryDatabase } from '../../../infra/geo-database.ts';
import { restEvent } from '../../support/events.ts';
import { removeSynthOutputs, testApp } from './synth.ts';

describe('withCountryDatabase', () => {
  it('copies the database next to the bundle as country.mmdb, after bundling', () => {
    // Act
    const hooks = withCountryDatabase().commandHooks!;

    // Assess
    expect(hooks.beforeBundling('/in', '/out')).toEqual([]);
    expect(hooks.beforeInstall('/in', '/out')).toEqual([]);
    expect(hooks.afterBundling('/in', '/out')).toEqual([`cp '${countryDatabaseSourceFile()}' '/out/country.mmdb'`]);
  });

  it('keeps the other bundling options and hooks it is given', () => {
    // Prepare
    const given = { minify: false, commandHooks: { beforeBundling: () => ['echo a'], beforeInstall: () => [], afterBundling: () => ['echo b'] } };

    // Act
    const bundling = withCountryDatabase(given);

    // Assess
    expect(bundling.minify).toBe(false);
    expect(bundling.commandHooks!.beforeBundling('/in', '/out')).toEqual(['echo a']);
    expect(bundling.commandHooks!.afterBundling('/in', '/out')).toEqual(['echo b', expect.stringMatching(/^cp .* '\/out\/country\.mmdb'$/)]);
  });

  it("quotes a path with a quote or spaces for the shell", () => {
    expect(withCountryDatabase().commandHooks!.afterBundling('/in', "/o u't")).toEqual([expect.stringMatching(/ '\/o u'\\''t\/country\.mmdb'$/)]);
  });
});

describe('a function bundled with the country database', () => {
  let assetDir: string;
  let template: Template;

  beforeAll(() => {
    // Prepare: bundled for real (esbuild), as cdk synth does
    const app = testApp({ 'aws:cdk:bundling-stacks': ['**'], 'aws:cdk:enable-asset-metadata': true });
    const stack = new Stack(app, 'GeoProbe');
    new AnalyticsFunction(stack, 'Probe', {
      entry: 'test/support/country-probe.ts',
      logRetention: RetentionDays.ONE_DAY,
      service: 'ingest',
      logLevel: 'INFO',
      bundling: withCountryDatabase(),
    });
    template = Template.fromStack(stack);
    const [, fn] = Object.entries(template.findResources('AWS::Lambda::Function'))[0]!;
    assetDir = path.join(app.outdir, fn.Metadata['aws:asset:path'] as string);
  }, 120_000);

  afterAll(() => {
    removeSynthOutputs();
  });

  it('has index.mjs and the database, byte for byte, in its asset', () => {
    expect(readdirSync(assetDir).sort()).toEqual(['country.mmdb', 'index.mjs', 'index.mjs.map']);
    expect(readFileSync(path.join(assetDir, 'country.mmdb')).equals(readFileSync(countryDatabaseSourceFile()))).toBe(true);
  });

  it('keeps the function definition of every function (nodejs24.x on arm64, handler index.handler)', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler' });
  });

  it('answers the country of the forwarded address from the bundled file', async () => {
    // Prepare
    const { handler } = (await import(pathToFileURL(path.join(assetDir, 'index.mjs')).href)) as {
      handler: (event: ProxyEventLike) => Promise<HttpResponse>;
    };
    const ask = async (headers: Record<string, string>, sourceIp = '127.0.0.1') =>
      JSON.parse((await handler(restEvent({ method: 'POST', path: '/event', headers, body: '{}', sourceIp }))).body).country;

    // Act / Assess
    expect(await ask({ 'X-Forwarded-For': '193.0.6.139, 10.0.0.1' })).toBe('NL');
    expect(await ask({}, '2001:4860:4860::8888')).toBe('US');
    expect(await ask({ 'CloudFront-Viewer-Country': 'JP', 'X-Forwarded-For': '8.8.8.8' })).toBe('JP');
    expect(await ask({ 'X-Forwarded-For': '10.0.0.1' })).toBe('XX');
  });
});
