// The REST APIs (v1) of a template as the local API server serves them: resource paths, methods
// and their integrations (Lambda proxy or mock), stages and gateway responses.
import {
  apiIdFor,
  literalString,
  pick,
  type CfnResource,
  type GatewayResponseModel,
  type IntegrationModel,
  type RestApiModel,
  type RouteModel,
  type StageModel,
  type TemplateModel,
} from './template-model.ts';
import { functionReference, isRootReference, mustReference, referencedLogicalId } from './template-references.ts';
import type { Resolver } from './template-resolver.ts';

export function interpretRestApi(model: TemplateModel, logicalId: string, rawProps: Record<string, unknown>, resolver: Resolver): RestApiModel {
  const resources = model.template.Resources;
  if (rawProps.Body !== undefined || rawProps.BodyS3Location !== undefined) {
    throw new Error(`RestApi ${logicalId}: APIs defined by an OpenAPI body are not supported locally`);
  }
  const props = resolver.resolve(pick(rawProps, ['Name', 'BinaryMediaTypes'])) as Record<string, unknown>;
  const id = apiIdFor(model.stackName, logicalId);
  const rootResourceId = `${id.slice(0, 6)}root`;
  const belongs = (p: Record<string, unknown>): boolean => referencedLogicalId(p.RestApiId, model.template) === logicalId;

  // Resource paths: walk ParentId chains up to the root (Fn::GetAtt [api, RootResourceId]).
  const paths = new Map<string, string>();
  const pathOf = (resourceLogicalId: string, seen = new Set<string>()): string => {
    const known = paths.get(resourceLogicalId);
    if (known !== undefined) return known;
    if (seen.has(resourceLogicalId)) throw new Error(`RestApi ${logicalId}: resource cycle at ${resourceLogicalId}`);
    seen.add(resourceLogicalId);
    const resource = resources[resourceLogicalId];
    if (resource?.Type !== 'AWS::ApiGateway::Resource') throw new Error(`RestApi ${logicalId}: ${resourceLogicalId} is not an API resource`);
    const p = resource.Properties ?? {};
    const parentPath = isRootReference(p.ParentId, logicalId) ? '' : pathOf(mustReference(p.ParentId, `${resourceLogicalId}.ParentId`), seen);
    const full = `${parentPath}/${String(p.PathPart)}`;
    paths.set(resourceLogicalId, full);
    return full;
  };

  const routes: RouteModel[] = [];
  for (const [methodLogicalId, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::ApiGateway::Method') continue;
    const p = resource.Properties ?? {};
    if (!belongs(p)) continue;
    const onRoot = isRootReference(p.ResourceId, logicalId);
    const resourceLogicalId = onRoot ? '(root)' : mustReference(p.ResourceId, `${methodLogicalId}.ResourceId`);
    routes.push({
      apiLogicalId: logicalId,
      methodLogicalId,
      resourceLogicalId,
      resourcePath: onRoot ? '/' : pathOf(resourceLogicalId),
      httpMethod: String(p.HttpMethod).toUpperCase(),
      authorizationType: String(p.AuthorizationType ?? 'NONE'),
      apiKeyRequired: p.ApiKeyRequired === true || p.ApiKeyRequired === 'true',
      integration: interpretIntegration(model, p.Integration as Record<string, unknown> | undefined, resolver),
    });
  }
  routes.sort((a, b) => a.resourcePath.localeCompare(b.resourcePath) || a.httpMethod.localeCompare(b.httpMethod));

  const stages: StageModel[] = [];
  for (const [stageLogicalId, resource] of Object.entries(resources)) {
    const p = resource.Properties ?? {};
    if (resource.Type === 'AWS::ApiGateway::Stage' && belongs(p)) {
      stages.push({
        logicalId: stageLogicalId,
        name: String(resolver.resolve(p.StageName)),
        variables: (resolver.resolve(p.Variables ?? {}) as Record<string, string>) ?? {},
      });
    }
    // A Deployment with StageName creates its stage implicitly.
    if (resource.Type === 'AWS::ApiGateway::Deployment' && belongs(p) && p.StageName !== undefined) {
      stages.push({ logicalId: stageLogicalId, name: String(resolver.resolve(p.StageName)), variables: {} });
    }
  }
  return {
    logicalId,
    name: literalString(props.Name) ?? logicalId,
    id,
    rootResourceId,
    binaryMediaTypes: ((props.BinaryMediaTypes as string[] | undefined) ?? []).map((t) => t.replace('~1', '/')),
    stages,
    routes,
    gatewayResponses: interpretGatewayResponses(resources, belongs, resolver),
  };
}

function interpretGatewayResponses(
  resources: Record<string, CfnResource>,
  belongs: (p: Record<string, unknown>) => boolean,
  resolver: Resolver,
): Record<string, GatewayResponseModel> {
  const responses: Record<string, GatewayResponseModel> = {};
  for (const resource of Object.values(resources)) {
    const p = resource.Properties ?? {};
    if (resource.Type !== 'AWS::ApiGateway::GatewayResponse' || !belongs(p)) continue;
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries((resolver.resolve(p.ResponseParameters ?? {}) as Record<string, unknown>) ?? {})) {
      const header = /^gatewayresponse\.header\.(.+)$/.exec(key)?.[1];
      if (header && typeof value === 'string' && /^'.*'$/s.test(value)) headers[header] = value.slice(1, -1);
    }
    const templates = (p.ResponseTemplates as Record<string, string> | undefined) ?? {};
    responses[String(p.ResponseType)] = {
      statusCode: p.StatusCode === undefined ? undefined : Number(p.StatusCode),
      headers,
      template: templates['application/json'],
    };
  }
  return responses;
}

function interpretIntegration(model: TemplateModel, integration: Record<string, unknown> | undefined, resolver: Resolver): IntegrationModel {
  const type = String(integration?.Type ?? 'NONE');
  if (type === 'AWS_PROXY') {
    const functionLogicalId = functionReference(integration?.Uri, model.template);
    if (!functionLogicalId) return { type: 'UNSUPPORTED', detail: 'AWS_PROXY integration whose Uri names no function of this stack' };
    return { type, functionLogicalId, timeoutMs: Number(integration?.TimeoutInMillis ?? 29_000) };
  }
  if (type === 'MOCK') {
    const responses = (integration?.IntegrationResponses as { StatusCode?: string; ResponseParameters?: Record<string, unknown>; ResponseTemplates?: Record<string, string>; SelectionPattern?: string }[] | undefined) ?? [];
    const response = responses.find((r) => !r.SelectionPattern) ?? responses[0];
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries((resolver.resolve(response?.ResponseParameters ?? {}) as Record<string, unknown>) ?? {})) {
      const header = /^method\.response\.header\.(.+)$/.exec(key)?.[1];
      // Static values are quoted ('...'); other mappings need a request context we do not evaluate.
      if (header && typeof value === 'string' && /^'.*'$/s.test(value)) headers[header] = value.slice(1, -1);
    }
    const template = response?.ResponseTemplates?.['application/json'];
    return { type, statusCode: Number(response?.StatusCode ?? 200), headers, ...(template && !template.includes('$') ? { body: template } : {}) };
  }
  return { type: 'UNSUPPORTED', detail: `${type} integrations are not emulated locally` };
}

