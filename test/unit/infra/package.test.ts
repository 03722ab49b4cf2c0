import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleNameOf, PREBUILT_DIR, PROJECT_ROOT } from '../../../infra/analytics-function.ts';
import { SHARED_FILES_LIST } from '../../../infra/prebuilt-code.ts';

const PACKAGE = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { name: string };

// A user's CDK app as plain JavaScript: no tsx, no TypeScript, nothing of the repository's tooling.
const APP = `
import { App, Stack } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { WebsiteAnalytics } from '${PACKAGE.name}';

const app = new App({ outdir: process.argv[2] });
const stack = new Stack(app, 'Site');
new Bucket(stack, 'SiteBucket');
const analytics = new WebsiteAnalytics(stack, 'Analytics', { restrictIngestion: true, retentionDays: 30 });
app.synth();
console.log(JSON.stringify({ retentionDays: analytics.config.retentionDays, functions: analytics.node.findAll().filter((c) => c.constructor.name === 'AnalyticsFunction').length }));
`;

// The same from TypeScript, type-checked against the package's declarations (and aws-cdk-lib's) alone.
const TYPED_APP = `
import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import { WebsiteAnalytics, type WebsiteAnalyticsProps } from '${PACKAGE.name}';

const stack = new Stack(new App(), 'Site');
const props: WebsiteAnalyticsProps = { apiType: 'http', alarmEmail: 'ops@example.com', apiGatewayCloudWatchRole: false };
const analytics = new WebsiteAnalytics(stack, 'Analytics', props);
new CfnOutput(stack, 'TrackerUrl', { value: \`\${analytics.apiUrl}t.js\` });
const names: string[] = [analytics.eventsTable.tableName, analytics.lakeBucket.bucketName, analytics.alarmTopic.topicArn, analytics.eventsQueue.queueUrl];
export default names;
`;

const TYPED_APP_CONFIG = {
  compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', lib: ['ES2022', 'esnext.disposable'], strict: true, noEmit: true, skipLibCheck: false, types: [] },
  files: ['app.ts'],
};

/** Every handler entry the infra code names (functions/<dir>/<file>handler.ts). */
function entriesInInfra(): string[] {
  const dir = path.join(PROJECT_ROOT, 'infra');
  const sources = readdirSync(dir).filter((file) => file.endsWith('.ts')).map((file) => readFileSync(path.join(dir, file), 'utf8'));
  return [...new Set(sources.flatMap((text) => [...text.matchAll(/'(functions\/[\w/-]+handler\.ts)'/g)].map((match) => match[1]!)))];
}

type Resource = { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, string> };

describe('the npm package', () => {
  let work: string;
  let scratch: string;
  let installed: string;

  beforeAll(() => {
    // Prepare: pack (prepack builds dist/), then install the tarball without a registry: extract it into
    // node_modules and link the peer dependencies from the repository's node_modules.
    work = mkdtempSync(path.join(tmpdir(), 'package-test-'));
    execFileSync('npm', ['pack', '--pack-destination', work], { cwd: PROJECT_ROOT, stdio: 'ignore' });
    const [tarball] = readdirSync(work).filter((file) => file.endsWith('.tgz'));
    scratch = path.join(work, 'scratch');
    installed = path.join(scratch, 'node_modules', PACKAGE.name);
    mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['-xzf', path.join(work, tarball!), '-C', installed, '--strip-components=1']);
    for (const peer of ['aws-cdk-lib', 'constructs']) symlinkSync(path.join(PROJECT_ROOT, 'node_modules', peer), path.join(scratch, 'node_modules', peer), 'dir');
    writeFileSync(path.join(scratch, 'app.mjs'), APP);
    writeFileSync(path.join(scratch, 'package.json'), JSON.stringify({ type: 'module' }));
    writeFileSync(path.join(scratch, 'app.ts'), TYPED_APP);
    writeFileSync(path.join(scratch, 'tsconfig.json'), JSON.stringify(TYPED_APP_CONFIG));
  }, 180_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('ships the compiled construct with its type declarations and a bundle of every function', () => {
    expect(existsSync(path.join(installed, 'dist/infra/index.js'))).toBe(true);
    expect(readFileSync(path.join(installed, 'dist/infra/index.d.ts'), 'utf8')).toMatch(/WebsiteAnalytics/);
    expect(readFileSync(path.join(installed, 'dist/infra/settings.d.ts'), 'utf8')).toMatch(/interface WebsiteAnalyticsProps/);
    expect(existsSync(path.join(installed, 'infra'))).toBe(false);
    const bundles = readdirSync(path.join(installed, 'dist', PREBUILT_DIR), { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
    expect(bundles).toEqual(entriesInInfra().map(bundleNameOf).sort());
  });

  it('type-checks a TypeScript app against its declarations, without the types of its dev dependencies', () => {
    const tsc = createRequire(path.join(PROJECT_ROOT, 'package.json')).resolve('typescript/bin/tsc');
    let errors = '';
    try {
      execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: scratch, encoding: 'utf8' });
    } catch (error) {
      errors = String((error as { stdout?: string }).stdout); // tsc prints its errors on stdout
    }
    expect(errors).toBe('');
  });

  it('synthesizes in a plain `node app.mjs` next to a resource of the app, with the functions from the package', () => {
    // Act: node alone, without the repository's loaders.
    const env = { PATH: process.env.PATH, HOME: process.env.HOME };
    const printed = execFileSync(process.execPath, ['app.mjs', 'cdk.out'], { cwd: scratch, env, encoding: 'utf8' });

    // Assess
    expect(JSON.parse(printed.trim().split('\n').at(-1)!)).toEqual({ retentionDays: 30, functions: 5 });
    const out = path.join(scratch, 'cdk.out');
    const template = JSON.parse(readFileSync(path.join(out, 'Site.template.json'), 'utf8')) as { Resources: Record<string, Resource> };
    const resources = Object.values(template.Resources);
    expect(resources.filter((r) => r.Type === 'AWS::S3::Bucket').length).toBe(2);
    const functions = resources.filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(functions.map((fn) => fn.Properties.Handler)).toEqual(Array(5).fill('index.handler'));
    expect(functions.map((fn) => fn.Properties.Runtime)).toEqual(Array(5).fill('nodejs24.x'));
    const assets = JSON.parse(readFileSync(path.join(out, 'Site.assets.json'), 'utf8')) as { files: Record<string, { source: { path: string } }> };
    const assetDirs = Object.values(assets.files).map((file) => path.join(out, file.source.path)).filter((dir) => existsSync(path.join(dir, 'index.mjs')));
    expect(assetDirs.length).toBe(5);
    // The restricted ingest bundle, with the country database beside it.
    const shipped = readFileSync(path.join(installed, 'dist', PREBUILT_DIR, 'ingest-restricted-handler', 'index.mjs'), 'utf8');
    const ingest = assetDirs.find((dir) => readFileSync(path.join(dir, 'index.mjs'), 'utf8') === shipped);
    expect(ingest).toBeDefined();
    expect(existsSync(path.join(ingest!, 'country.mmdb'))).toBe(true);
    expect(existsSync(path.join(ingest!, SHARED_FILES_LIST))).toBe(false);
    // The package holds the country database once, beside the bundles, not in each ingest bundle.
    const bundlesDir = path.join(installed, 'dist', PREBUILT_DIR);
    const held = readdirSync(bundlesDir, { recursive: true, encoding: 'utf8' }).filter((file) => path.basename(file) === 'country.mmdb');
    expect(held).toEqual(['country.mmdb']);
    expect(statSync(path.join(ingest!, 'country.mmdb')).size).toBe(statSync(path.join(bundlesDir, 'country.mmdb')).size);
  });
});
