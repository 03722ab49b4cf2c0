#!/usr/bin/env bash
# Deploys the stack to the LocalStack started by `npm run local:up`, then prints the API URL.
# Extra arguments go to `cdklocal deploy` (e.g. -c batchSize=10).
set -euo pipefail

cd "$(dirname "$0")/.."

endpoint="${LOCALSTACK_ENDPOINT:-http://127.0.0.1:4566}"
export AWS_ENDPOINT_URL="$endpoint"
export AWS_ENDPOINT_URL_S3="$endpoint"
export AWS_ACCESS_KEY_ID=test
export AWS_SECRET_ACCESS_KEY=test
export AWS_REGION="${AWS_REGION:-us-east-1}"
export AWS_DEFAULT_REGION="$AWS_REGION"
# cdklocal drops every other AWS_* variable before running the CDK CLI: keep the region.
export AWS_ENVAR_ALLOWLIST=AWS_REGION,AWS_DEFAULT_REGION
unset AWS_PROFILE AWS_SESSION_TOKEN
export CDK_DISABLE_VERSION_CHECK=1

if ! curl -fs "$endpoint/_localstack/health" >/dev/null; then
  echo "LocalStack is not answering on $endpoint: run 'npm run local:up' first." >&2
  exit 1
fi

account=000000000000
outputs=.local/localstack-outputs.json
mkdir -p .local

npx cdklocal bootstrap "aws://$account/$AWS_REGION"
npx cdklocal deploy --require-approval never -c destroyOnRemoval=true --outputs-file "$outputs" "$@"

node - "$outputs" "$endpoint" <<'JS'
const fs = require('node:fs');
const [file, endpoint] = process.argv.slice(2);
const all = JSON.parse(fs.readFileSync(file, 'utf8'));
for (const [stack, outputs] of Object.entries(all)) {
  if (!outputs.ApiId) continue;
  const stage = outputs.ApiStage ?? new URL(outputs.ApiUrl).pathname.split('/').filter(Boolean)[0];
  const api = `${endpoint.replace('127.0.0.1', 'localhost').replace(/\/$/, '')}/_aws/execute-api/${outputs.ApiId}/${stage}/`;
  console.log(`\n${stack} on LocalStack`);
  console.log(`  ${'ApiUrl:'.padEnd(22)}${api}`);
  for (const key of ['EventsQueueUrl', 'EventsDlqUrl', 'EventsTableName', 'AggregatesTableName', 'SitesTableName', 'AdminApiKeySecretArn']) {
    if (outputs[key]) console.log(`  ${(key + ':').padEnd(22)}${outputs[key]}`);
  }
  if (outputs.AdminApiKeySecretArn) {
    console.log(`\nAdmin key: AWS_ENDPOINT_URL=${endpoint} aws secretsmanager get-secret-value --secret-id ${outputs.AdminApiKeySecretArn} --query SecretString --output text`);
  }
}
JS
