// The API contract (docs/openapi.yaml), and a check of real responses against it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

export const OPENAPI_FILE = fileURLToPath(new URL('../../docs/openapi.yaml', import.meta.url));

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
  [key: string]: unknown;
}

// ajv-formats is CommonJS: under ESM its function is the default export's `default`.
const addFormats = addFormatsModule.default;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export function loadOpenApi(): OpenApiDocument {
  return parse(readFileSync(OPENAPI_FILE, 'utf8')) as OpenApiDocument;
}

/** `METHOD /path` of every documented operation. */
export function documentedOperations(doc: OpenApiDocument): string[] {
  return Object.entries(doc.paths).flatMap(([route, item]) =>
    Object.keys(item)
      .filter((key) => METHODS.includes(key))
      .map((method) => `${method.toUpperCase()} ${route}`),
  );
}

const escape = (token: string) => token.replace(/~/g, '~0').replace(/\//g, '~1');

function pointerGet(doc: unknown, pointer: string): any {
  return pointer
    .split('/')
    .slice(1)
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((node: any, token) => node?.[token], doc);
}

export interface ResponseLike {
  status: number;
  headers: Headers;
  body: unknown;
}

/**
 * Checks responses against the document: the operation and its status are documented, the
 * Content-Type is one the response declares, the body validates against its schema (JSON
 * Schema 2020-12, as OpenAPI 3.1 uses) and each documented header is present and valid.
 */
export function contractChecker(doc: OpenApiDocument = loadOpenApi()) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...doc, $id: 'openapi' });
  const validate = (pointer: string, value: unknown): string[] => {
    const fn = ajv.getSchema(`openapi#${pointer}`);
    if (!fn) return [`no schema at ${pointer}`];
    return fn(value) ? [] : (fn.errors ?? []).map((e: ErrorObject) => `${pointer}: ${e.instancePath || '(root)'} ${e.message}`);
  };
  const exercised = new Set<string>();

  return {
    /** Operations checked so far, `METHOD /path`. */
    exercised,
    /** What is wrong with `response` to `METHOD route` (documented path, e.g. `/stats`); empty when it conforms. */
    check(method: string, route: string, response: ResponseLike): string[] {
      const operation = `${method.toUpperCase()} ${route}`;
      const opPointer = `/paths/${escape(route)}/${method.toLowerCase()}`;
      if (!pointerGet(doc, opPointer)) return [`${operation} is not documented`];
      exercised.add(operation);
      let pointer = `${opPointer}/responses/${response.status}`;
      let declared = pointerGet(doc, pointer);
      if (!declared) return [`${operation} answered ${response.status}, which is not documented`];
      if (typeof declared.$ref === 'string') {
        pointer = declared.$ref.slice(1);
        declared = pointerGet(doc, pointer);
      }
      const problems: string[] = [];
      for (const [name, header] of Object.entries<any>(declared.headers ?? {})) {
        const value = response.headers.get(name);
        // A header is expected unless the document says `required: false`.
        if (value === null) {
          if (header.required !== false) problems.push(`${operation} ${response.status}: header ${name} is missing`);
        }
        else if (header.schema) problems.push(...validate(`${pointer}/headers/${escape(name)}/schema`, value));
      }
      if (declared.content) {
        const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
        if (!(mediaType in declared.content)) {
          problems.push(`${operation} ${response.status}: Content-Type ${mediaType || '(none)'} is not one of ${Object.keys(declared.content).join(', ')}`);
        } else if (mediaType === 'application/json') {
          problems.push(...validate(`${pointer}/content/${escape(mediaType)}/schema`, response.body));
        }
      }
      return problems;
    },
  };
}
