// npm run dlq -- list      shows the messages in the dead-letter queue
// npm run dlq -- redrive   moves them back to the events queue, to be processed again
// Add --queue-url URL --dlq-url URL for a deployed stack; by default the running npm start.
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { fail } from './cli.ts';
import { queueTarget } from './queues.ts';

const HOLD_SECONDS = 60;
const MAX_MESSAGES = 10_000;

/** Receives every visible message of the DLQ, hiding each while the command runs. */
async function drainVisible(sqs: SQSClient, dlqUrl: string): Promise<Message[]> {
  const messages: Message[] = [];
  while (messages.length < MAX_MESSAGES) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: dlqUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: messages.length === 0 ? 1 : 0,
        VisibilityTimeout: HOLD_SECONDS,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) break;
    messages.push(...Messages);
  }
  return messages;
}

const chunks = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));

async function list(sqs: SQSClient, dlqUrl: string): Promise<void> {
  const messages = await drainVisible(sqs, dlqUrl);
  for (const m of messages) {
    const sent = new Date(Number(m.Attributes?.SentTimestamp ?? 0)).toISOString();
    const body = (m.Body ?? '').length > 200 ? `${m.Body!.slice(0, 200)}...` : m.Body;
    console.log(`${m.MessageId}  sent ${sent}  received ${m.Attributes?.ApproximateReceiveCount ?? '?'}x\n  ${body}`);
  }
  // Make them visible again: listing must not hide or remove anything.
  for (const batch of chunks(messages, 10)) {
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: dlqUrl,
        Entries: batch.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 })),
      }),
    );
  }
  console.log(`${messages.length} message(s) in the dead-letter queue`);
}

async function redrive(sqs: SQSClient, queueUrl: string, dlqUrl: string): Promise<void> {
  const messages = await drainVisible(sqs, dlqUrl);
  let moved = 0;
  for (const batch of chunks(messages, 10)) {
    const sent = await sqs.send(
      new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: batch.map((m, i) => ({ Id: String(i), MessageBody: m.Body! })) }),
    );
    // Delete from the DLQ only what the events queue accepted: nothing is lost on a failure.
    const accepted = (sent.Successful ?? []).map((s) => batch[Number(s.Id)]!);
    if (accepted.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: dlqUrl,
          Entries: accepted.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
    }
    moved += accepted.length;
    for (const failure of sent.Failed ?? []) console.error(`not moved: ${batch[Number(failure.Id)]!.MessageId}: ${failure.Message}`);
  }
  console.log(`moved ${moved} of ${messages.length} message(s) back to the events queue`);
  if (moved < messages.length) process.exitCode = 1;
}

const target = queueTarget();
const [command] = target.args;
try {
  if (command === 'list') await list(target.sqs, target.dlqUrl);
  else if (command === 'redrive') await redrive(target.sqs, target.queueUrl, target.dlqUrl);
  else fail('usage: npm run dlq -- list|redrive [--queue-url URL --dlq-url URL]');
} finally {
  target.sqs.destroy();
}
