// References between a template's resources: Ref and Fn::GetAtt targets, and the function an
// API integration designates.
import type { CfnTemplate } from './template-model.ts';
// ---------------------------------------------------------------------------------------------
// References between resources

export function isRootReference(value: unknown, apiLogicalId: string): boolean {
  const getAtt = (value as { 'Fn::GetAtt'?: unknown } | undefined)?.['Fn::GetAtt'];
  const [target, attr] = parseGetAtt(getAtt);
  return target === apiLogicalId && attr === 'RootResourceId';
}

export function mustReference(value: unknown, where: string): string {
  const ref = (value as { Ref?: unknown } | undefined)?.Ref;
  if (typeof ref !== 'string') throw new Error(`${where}: expected a Ref to a resource of this stack`);
  return ref;
}

export function parseGetAtt(getAtt: unknown): [string | undefined, string | undefined] {
  if (Array.isArray(getAtt)) return [String(getAtt[0]), String(getAtt[1])];
  if (typeof getAtt === 'string') {
    const dot = getAtt.indexOf('.');
    return [getAtt.slice(0, dot), getAtt.slice(dot + 1)];
  }
  return [undefined, undefined];
}

/** The logical id a value refers to with Ref or Fn::GetAtt (optionally of one resource type). */
export function referencedLogicalId(value: unknown, template: CfnTemplate, type?: string): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const obj = value as Record<string, unknown>;
  let id: string | undefined;
  if (typeof obj.Ref === 'string') id = obj.Ref;
  else if (obj['Fn::GetAtt'] !== undefined) id = parseGetAtt(obj['Fn::GetAtt'])[0];
  if (!id || !template.Resources[id]) return undefined;
  if (type && template.Resources[id]!.Type !== type) return undefined;
  return id;
}

/**
 * The function a value designates: a Ref/GetAtt to a function, or to a version or alias of it,
 * possibly inside a Fn::Join / Fn::Sub (API Gateway integration URIs).
 */
export function functionReference(value: unknown, template: CfnTemplate): string | undefined {
  const found = new Set<string>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (!v || typeof v !== 'object') {
      if (typeof v === 'string') {
        // "${Fn.Arn}" inside Fn::Sub
        for (const match of v.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z]+)?\}/g)) consider(match[1]!);
      }
      return;
    }
    const id = referencedLogicalId(v, template);
    if (id) consider(id);
    Object.values(v as Record<string, unknown>).forEach(visit);
  };
  const consider = (id: string): void => {
    const resource = template.Resources[id];
    if (!resource) return;
    if (resource.Type === 'AWS::Lambda::Function') found.add(id);
    if (resource.Type === 'AWS::Lambda::Alias' || resource.Type === 'AWS::Lambda::Version') {
      const target = referencedLogicalId(resource.Properties?.FunctionName, template, 'AWS::Lambda::Function');
      if (target) found.add(target);
    }
  };
  visit(value);
  return found.size === 1 ? [...found][0] : undefined;
}

