// npm start: the whole stack on this machine (see local/runtime.ts).
//
//   npm start [-- --port 3000] [-c key=value ...] [--no-synth] [--cdk-out DIR] [--log-requests] [--state-file FILE]
//
// Ctrl-C (SIGINT) or SIGTERM stops everything, DynamoDB Local's JVM included.
import { CONTEXT_OPTION, contextOf, HELP_OPTION, intOption, localContext, parseCommandLine } from './cli.ts';
import { newApiKey } from '../functions/domain/api-keys.ts';
import { displayName, RUNTIME_STATE_FILE, startLocalRuntime, type LocalRuntime } from './runtime.ts';

interface CliOptions {
  port?: number;
  context: Record<string, string>;
  synth: boolean;
  cdkOut?: string;
  logRequests: boolean;
  stateFile?: string;
}

const USAGE = `Usage: npm start -- [options]
  --port N            API port (default: $PORT, else 3000; 0 = any free port); a function URL
                      (-c ingestion=function-url) listens on the next port
  -c, --context k=v   CDK context for synth (repeatable); batchWindowSeconds defaults to 2 here
                      (30 on AWS) so events show up in GET /stats within seconds
  --no-synth          run the existing cloud assembly (--cdk-out, default cdk.out) without synthesizing
  --cdk-out DIR       cloud assembly folder (default .local/cdk.out when synthesizing)
  --log-requests      print one line per API request
  --state-file FILE   where to write the endpoints for npm run queue:status (default .local/runtime.json)
  -h, --help          this text`;

function parseArgs(argv: string[]): CliOptions {
  const values = parseCommandLine(
    argv,
    {
      port: { type: 'string' },
      ...CONTEXT_OPTION,
      'no-synth': { type: 'boolean', default: false },
      'cdk-out': { type: 'string' },
      'log-requests': { type: 'boolean', default: false },
      'state-file': { type: 'string' },
      ...HELP_OPTION,
    },
    USAGE,
  );
  return {
    port: values.port === undefined ? undefined : intOption('--port', values.port, 0, 65535),
    context: localContext(contextOf(values.context)),
    synth: !values['no-synth'],
    cdkOut: values['cdk-out'],
    logRequests: values['log-requests'],
    stateFile: values['state-file'],
  };
}

function summary(runtime: LocalRuntime): string {
  const lines: string[] = [];
  const pad = (label: string): string => `  ${label.padEnd(10)}`;
  lines.push(`Local runtime ready in ${(runtime.startupMs / 1000).toFixed(1)} s (stack ${runtime.model.stackName})`);
  if (runtime.apiUrl) {
    lines.push(`${pad('API')}${runtime.apiUrl}${runtime.stage ? `   (routes also answer at ${runtime.serverUrl}/<path>)` : ''}`);
    runtime.routes
      .filter((r) => r.integration !== 'MOCK')
      .forEach((route, i) => {
        const target = route.function ? displayName(route.function) : route.integration;
        lines.push(`${pad(i === 0 ? 'routes' : '')}${route.method.padEnd(7)} ${route.path}  -> ${target}`);
      });
  }
  for (const url of Object.values(runtime.functionUrls)) lines.push(`${pad('URL')}${url}   (function URL: POST /event, POST /events, GET /t.js)`);
  lines.push(`${pad('DynamoDB')}${runtime.dynamodbEndpoint}`);
  for (const [id, name] of Object.entries(runtime.tables)) lines.push(`${pad('')}table ${displayName(id)}: ${name}`);
  lines.push(`${pad('SQS')}${runtime.sqsEndpoint}`);
  for (const [id, url] of Object.entries(runtime.queues)) lines.push(`${pad('')}queue ${displayName(id)}: ${url}`);
  lines.push(`${pad('S3')}${runtime.sqsEndpoint}   (fauxqs serves S3 beside SQS)`);
  for (const [id, name] of Object.entries(runtime.buckets)) lines.push(`${pad('')}bucket ${displayName(id)}: ${name}   (npm run export -- --site S --from D --to D)`);
  if (runtime.athenaEndpoint) lines.push(`${pad('Athena')}${runtime.athenaEndpoint}   (DuckDB over the lake's events/)`);
  for (const mapping of Object.values(runtime.model.eventSourceMappings)) {
    lines.push(
      `${pad('poller')}${displayName(mapping.queueLogicalId)} -> ${displayName(mapping.functionLogicalId)}: ` +
        `batch ${mapping.batchSize}, window ${mapping.maximumBatchingWindowSeconds} s, ` +
        `max concurrency ${mapping.maximumConcurrency ?? 'default'}, ` +
        `${mapping.reportBatchItemFailures ? 'ReportBatchItemFailures' : 'whole-batch results'}`,
    );
    lines.push(`${pad('')}counts appear in GET /stats within about ${mapping.maximumBatchingWindowSeconds} s of an event (-c batchWindowSeconds=N)`);
  }
  lines.push('Ctrl-C to stop.');
  return lines.join('\n');
}

/** The first function URL's port: the API's + 1, or any free port when the API's is any free port. */
function functionUrlPort(apiPort: number | undefined): number {
  const port = apiPort ?? (process.env.PORT ? Number(process.env.PORT) : 3000);
  return port === 0 ? 0 : port + 1;
}

/** GET /dashboard of the API at `apiUrl` (with or without a trailing slash). */
function dashboardUrl(apiUrl: string | undefined): string {
  return new URL('dashboard', apiUrl?.endsWith('/') ? apiUrl : `${apiUrl}/`).toString();
}

async function main(): Promise<void> {
  let options: CliOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }

  let runtime: LocalRuntime | undefined;
  let stoppingSince: number | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!runtime) {
      // Still starting: leave now (the exit hook kills DynamoDB Local).
      process.exit(130);
    }
    if (stoppingSince !== undefined) {
      // A terminal's Ctrl-C reaches this process directly and again through npm/tsx, which
      // forward it: only a later, second Ctrl-C means "stop waiting".
      if (Date.now() - stoppingSince > 1_000) process.exit(130);
      return;
    }
    stoppingSince = Date.now();
    console.log(`\n${signal}: stopping...`);
    const t0 = Date.now();
    runtime.stop().then(
      () => {
        console.log(`stopped in ${Date.now() - t0} ms`);
        process.exit(0);
      },
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // The stats API's admin key: yours from the environment, or a new one for this run.
  const adminKey = process.env.ADMIN_API_KEY || newApiKey();
  console.log(options.synth ? 'Synthesizing and starting the emulators...' : 'Starting the emulators...');
  try {
    runtime = await startLocalRuntime({
      environment: { ADMIN_API_KEY: adminKey },
      port: options.port,
      // The function URL (-c ingestion=function-url) listens next to the API: port + 1.
      functionUrlPort: functionUrlPort(options.port),
      context: options.context,
      synth: options.synth,
      cdkOut: options.cdkOut,
      logRequests: options.logRequests,
      stateFile: options.stateFile ?? RUNTIME_STATE_FILE,
    });
  } catch (error) {
    console.error(`Start-up failed: ${(error as Error).message}`);
    process.exit(1);
  }
  console.log(summary(runtime));
  console.log(
    process.env.ADMIN_API_KEY
      ? 'Admin API key: ADMIN_API_KEY from the environment'
      : `Admin API key for this run (set ADMIN_API_KEY to choose one): ${adminKey}\n` +
          `  curl -H "Authorization: Bearer ${adminKey}" '${runtime.apiUrl}/stats?site_id=site-abc-123'`,
  );
  // The tracker is served (and posts) where ingestion is: the function URL with -c ingestion=function-url, else the API.
  const trackerBase = runtime.outputs.IngestUrl ?? `${runtime.apiUrl}/`;
  console.log(`Tracker snippet: <script defer src="${trackerBase}t.js" data-site="site-abc-123"></script>`);
  // The key goes in the fragment, which the browser keeps to itself.
  console.log(`Dashboard: ${dashboardUrl(runtime.apiUrl)}${process.env.ADMIN_API_KEY ? '' : `#${new URLSearchParams({ key: adminKey })}`}`);
}

await main();
