#!/usr/bin/env bash
# Deploys the stack to the LocalStack started by `npm run local:up`, then prints the API URL.
# Extra arguments are CDK context for the synth (e.g. -c batchSize=10). As with `npm start`, the
# batch window is 2 s unless -c batchWindowSeconds=N is given, so events are counted within seconds.
# Free LocalStack has no HTTP API (apiType=http is refused), and it cannot update a REST API's
# stage: a stack whose API changed since the last deploy is destroyed and deployed anew
# (local/localstack/plan.ts).
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
assembly=.local/localstack-cdk.out
record=.local/localstack-deployments.json
mkdir -p .local

window=(-c batchWindowSeconds=2)
for arg in "$@"; do
  case "$arg" in *batchWindowSeconds=*) window=() ;; esac
done

npx cdklocal synth --quiet --output "$assembly" -c destroyOnRemoval=true "${window[@]}" "$@"
replace=$(npx tsx local/localstack/plan.ts check "$assembly" "$record")
npx cdklocal bootstrap "aws://$account/$AWS_REGION"
for stack in $replace; do
  echo "The REST API of $stack changed since the last deploy, and LocalStack cannot move its stage to the new deployment: replacing $stack (its LocalStack data is lost)."
  npx cdklocal destroy --force --app "$assembly" "$stack"
done
npx cdklocal deploy --app "$assembly" --require-approval never --outputs-file "$outputs"
npx tsx local/localstack/plan.ts record "$assembly" "$record"

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
