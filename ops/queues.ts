// Which queues the operator commands act on: the running `npm start` (default), or a deployed
// stack's queues given by URL (its EventsQueueUrl and EventsDlqUrl outputs).
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SQSClient } from '@aws-sdk/client-sqs';
import { localSqsClient } from '../local/clients.ts';
import { RUNTIME_STATE_FILE } from '../local/runtime.ts';

export interface QueueTarget {
  sqs: SQSClient;
  queueUrl: string;
  dlqUrl: string;
  /** Positional arguments left after the options. */
  args: string[];
}

const USAGE = `options: [--queue-url URL --dlq-url URL] [--state-file FILE]
  without URLs: the queues of the running local runtime (npm start)`;

/** Parses the command line into the queues to use, or exits with a clear message. */
export function queueTarget(argv: string[] = process.argv.slice(2)): QueueTarget {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'queue-url': { type: 'string' },
      'dlq-url': { type: 'string' },
      'state-file': { type: 'string', default: RUNTIME_STATE_FILE },
      limit: { type: 'string' },
    },
  });
  if (values['queue-url'] || values['dlq-url']) {
    if (!values['queue-url'] || !values['dlq-url']) fail(`give both --queue-url and --dlq-url\n${USAGE}`);
    // An explicit endpoint (an emulator, a VPC endpoint) is used as given, not the queue URL's host.
    const sqs = new SQSClient(process.env.AWS_ENDPOINT_URL_SQS ? { useQueueUrlAsEndpoint: false } : {});
    return { sqs, queueUrl: values['queue-url']!, dlqUrl: values['dlq-url']!, args: positionals };
  }
  const stateFile = values['state-file']!;
  if (!existsSync(stateFile)) fail(`No running local runtime (${stateFile} not found): start one with npm start\n${USAGE}`);
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { sqsEndpoint: string; queues: Record<string, string> };
  const url = (prefix: string) => {
    const found = Object.entries(state.queues).find(([id]) => id.startsWith(prefix));
    if (!found) fail(`The local runtime has no ${prefix} queue`);
    return found![1];
  };
  return { sqs: localSqsClient(state.sqsEndpoint), queueUrl: url('EventsQueue'), dlqUrl: url('EventsDlq'), args: positionals };
}

export function fail(message: string): never {
  console.error(message);
  process.exit(1);
}
