// Lambda function URLs of a template (AWS::Lambda::Url): the function each one invokes, its auth
// type and its CORS configuration, which the function URL server (function-url-server.ts) applies.
import { functionReference } from './template-references.ts';
import type { TemplateModel } from './template-model.ts';

/** A function URL's CORS configuration (AWS::Lambda::Url Cors), empty lists where unset. */
export interface FunctionUrlCors {
  allowOrigins: string[];
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  allowCredentials: boolean;
  maxAge?: number;
}

export interface FunctionUrlModel {
  logicalId: string;
  functionLogicalId: string;
  /** `NONE` or `AWS_IAM` (the local server checks no signatures). */
  authType: string;
  /** Undefined when the URL has no CORS configuration: Lambda then adds no CORS headers. */
  cors?: FunctionUrlCors;
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** Every function URL of the template whose target is a function of the template. */
export function templateFunctionUrls(model: TemplateModel): FunctionUrlModel[] {
  const urls: FunctionUrlModel[] = [];
  for (const [logicalId, resource] of Object.entries(model.template.Resources ?? {})) {
    if (resource.Type !== 'AWS::Lambda::Url') continue;
    const props = resource.Properties ?? {};
    const functionLogicalId = functionReference(props.TargetFunctionArn, model.template);
    if (!functionLogicalId || !model.functions[functionLogicalId]) continue;
    const cors = props.Cors as Record<string, unknown> | undefined;
    urls.push({
      logicalId,
      functionLogicalId,
      authType: typeof props.AuthType === 'string' ? props.AuthType : 'AWS_IAM',
      cors: cors && {
        allowOrigins: strings(cors.AllowOrigins),
        allowMethods: strings(cors.AllowMethods).map((m) => m.toUpperCase()),
        allowHeaders: strings(cors.AllowHeaders),
        exposeHeaders: strings(cors.ExposeHeaders),
        allowCredentials: cors.AllowCredentials === true,
        maxAge: typeof cors.MaxAge === 'number' ? cors.MaxAge : undefined,
      },
    });
  }
  return urls;
}

/** Stack outputs whose value is a function URL's `FunctionUrl` attribute, with the local URL instead. */
export function functionUrlOutputs(model: TemplateModel, urls: Record<string, string>): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const [name, output] of Object.entries(model.template.Outputs ?? {})) {
    const getAtt = (output.Value as { 'Fn::GetAtt'?: unknown } | undefined)?.['Fn::GetAtt'];
    const [target, attr] = Array.isArray(getAtt) ? getAtt : [];
    if (attr === 'FunctionUrl' && typeof target === 'string' && urls[target]) outputs[name] = urls[target];
  }
  return outputs;
}
