// Which queues the operator commands act on: the running `npm start` (default), or a deployed
// stack's queues given by URL (its EventsQueueUrl and EventsDlqUrl outputs).
import { parseArgs } from 'node:util';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { RUNTIME_STATE_FILE } from '../local/runtime.ts';
import { fail } from './cli.ts';
import { operatorStack, required } from './stack.ts';

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
  if ((values['queue-url'] || values['dlq-url']) && !(values['queue-url'] && values['dlq-url'])) fail(`give both --queue-url and --dlq-url\n${USAGE}`);
  const stack = operatorStack({ given: { eventsQueue: values['queue-url'], eventsDlq: values['dlq-url'] }, stateFile: values['state-file'], hint: `\n${USAGE}` });
  return { sqs: stack.sqs, queueUrl: required(stack, 'eventsQueue', ' queue'), dlqUrl: required(stack, 'eventsDlq', ' queue'), args: positionals };
}
