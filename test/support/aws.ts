// The stack's resources in the emulators, for integration tests: tables, queues and each
// function's environment all come from the synthesized template, found by role through the
// stack handle (local/stack-handle.ts), never restated here.
import { inject } from 'vitest';
import { DeleteMessageCommand, ChangeMessageVisibilityCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { newApiKey } from '../../functions/domain/api-keys.ts';
import { localDynamoDbClient, localS3Client, localSqsClient, LOCAL_CREDENTIALS } from '../../local/clients.ts';
import type { S3Client } from '@aws-sdk/client-s3';
import { createResources } from '../../local/resources.ts';
import { projectAssembly } from '../../local/test/fixtures/synth-fixture.ts';
import { localNames, localStack, oneByPrefix, ROLE_PREFIXES } from '../../local/stack-handle.ts';
import { loadTemplate, LOCAL_REGION, type TemplateModel } from '../../local/template.ts';

/** The stats API's admin key in the integration suite (what ADMIN_API_KEY gives the local runtime). */
export const ADMIN_KEY = newApiKey();
/** Headers of a request that carries the admin key. */
export const ADMIN_AUTH = { Authorization: `Bearer ${ADMIN_KEY}` };

export interface StackResources {
  doc: DynamoDBDocumentClient;
  sqs: SQSClient;
  /** The S3 emulator (fauxqs) and the lake's bucket in it. */
  s3: S3Client;
  lakeBucket: string;
  tables: { events: string; aggregates: string; sites: string };
  queueUrl: string;
  dlqUrl: string;
  maxReceiveCount: number;
  /** The environment the template gives a function (by logical id prefix), resolved locally, with ADMIN_API_KEY = ADMIN_KEY. */
  functionEnv(name: string): Record<string, string>;
  /** Deletes processed messages and makes failed ones visible again at once. */
  settle(messages: Message[], failedIds: string[]): Promise<void>;
  /** Bodies of the messages in the dead-letter queue (read and deleted). */
  dlqBodies(): Promise<string[]>;
}

/** The project's synthesized stack, shared by test files until infra/ or functions/ change. */
async function synthesized(): Promise<TemplateModel> {
  return loadTemplate(await projectAssembly());
}

/** Creates the template's tables and queues in the emulators of the integration suite. */
export async function stackResources(): Promise<StackResources> {
  const dynamodbEndpoint = inject('dynamodbEndpoint');
  const sqsEndpoint = inject('sqsEndpoint');
  // What the local runtime gives every function; the handlers' SDK clients read these.
  Object.assign(process.env, {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: dynamodbEndpoint,
    AWS_ENDPOINT_URL_SQS: sqsEndpoint,
    // fauxqs serves S3 on its SQS port.
    AWS_ENDPOINT_URL_S3: sqsEndpoint,
  });
  const model = await synthesized();
  const sqs = localSqsClient(sqsEndpoint);
  const bindings = await createResources(model, { dynamodb: localDynamoDbClient(dynamodbEndpoint), sqs, s3: localS3Client(sqsEndpoint), sqsEndpoint });
  const stack = localStack({ dynamodbEndpoint, sqsEndpoint, ...localNames(model, bindings), model, bindings });
  const queueUrl = stack.get('eventsQueue');
  const dlqUrl = stack.get('eventsDlq');

  return {
    doc: stack.doc,
    sqs,
    s3: stack.s3,
    lakeBucket: stack.get('lakeBucket'),
    tables: { events: stack.get('eventsTable'), aggregates: stack.get('aggregatesTable'), sites: stack.get('sitesTable') },
    queueUrl,
    dlqUrl,
    maxReceiveCount: oneByPrefix(model.queues, ROLE_PREFIXES.eventsQueue).redrive!.maxReceiveCount,
    functionEnv: (name) => ({ ADMIN_API_KEY: ADMIN_KEY, ...stack.functionEnv(name) }),
    async settle(messages, failedIds) {
      await Promise.all(
        messages.map((m) =>
          failedIds.includes(m.MessageId!)
            ? sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 }))
            : sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! })),
        ),
      );
    },
    async dlqBodies() {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      await Promise.all(Messages.map((m) => sqs.send(new DeleteMessageCommand({ QueueUrl: dlqUrl, ReceiptHandle: m.ReceiptHandle! }))));
      return Messages.map((m) => m.Body!);
    },
  };
}
