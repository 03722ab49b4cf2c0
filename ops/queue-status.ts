// npm run queue:status: visible, in-flight and delayed messages of the events queue and its DLQ.
// Add --queue-url URL --dlq-url URL for a deployed stack; by default the running npm start.
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { queueTarget } from './queues.ts';

const target = queueTarget();
const rows: string[][] = [['queue', 'visible', 'in flight', 'delayed']];
try {
  for (const [name, url] of [['EventsQueue', target.queueUrl], ['EventsDlq', target.dlqUrl]] as const) {
    const { Attributes: a = {} } = await target.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
      }),
    );
    rows.push([name, a.ApproximateNumberOfMessages ?? '?', a.ApproximateNumberOfMessagesNotVisible ?? '?', a.ApproximateNumberOfMessagesDelayed ?? '?']);
  }
} catch (error) {
  console.error(`Could not read the queues: ${(error as Error).message} (is npm start still running?)`);
  process.exitCode = 1;
} finally {
  target.sqs.destroy();
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const row of rows) console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
