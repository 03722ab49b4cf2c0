// npm run queue:status: message counts of the queues of a running `npm start`.
//   npm run queue:status [-- --state-file FILE]
import { existsSync, readFileSync } from 'node:fs';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { localSqsClient } from './clients.ts';
import { displayName, RUNTIME_STATE_FILE } from './runtime.ts';

const flag = process.argv.indexOf('--state-file');
const stateFile = flag >= 0 ? process.argv[flag + 1]! : RUNTIME_STATE_FILE;
if (!existsSync(stateFile)) {
  console.error(`No running local runtime (${stateFile} not found): start one with npm start`);
  process.exit(1);
}
const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { sqsEndpoint: string; queues: Record<string, string> };
const sqs = localSqsClient(state.sqsEndpoint);
const rows: string[][] = [['queue', 'visible', 'in flight', 'delayed']];
try {
  for (const [logicalId, url] of Object.entries(state.queues)) {
    const out = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
      }),
    );
    const a = out.Attributes ?? {};
    rows.push([displayName(logicalId), a.ApproximateNumberOfMessages ?? '?', a.ApproximateNumberOfMessagesNotVisible ?? '?', a.ApproximateNumberOfMessagesDelayed ?? '?']);
  }
} catch (error) {
  console.error(`Could not reach fauxqs at ${state.sqsEndpoint}: ${(error as Error).message} (is npm start still running?)`);
  process.exit(1);
} finally {
  sqs.destroy();
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const row of rows) console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
