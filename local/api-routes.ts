// Which of an API's routes a request goes to, as API Gateway (REST, v1) chooses: the most
// specific resource path wins (static segments over {param} over {greedy+}), then its method or ANY.
import type { RouteModel } from './template.ts';

export interface RouteMatch {
  route: RouteModel;
  pathParameters: Record<string, string>;
}

function segmentsOf(resourcePath: string): string[] {
  return resourcePath.split('/').filter(Boolean);
}

/** Matches one resource path against request path segments; undefined when it does not match. */
function matchResource(resourcePath: string, segments: string[]): { params: Record<string, string>; score: number[] } | undefined {
  const parts = segmentsOf(resourcePath);
  const params: Record<string, string> = {};
  // Rank: static segments beat {param}, which beats {greedy+}, from left to right.
  const score: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const greedy = /^\{(.+)\+\}$/.exec(part);
    if (greedy) {
      if (i !== parts.length - 1 || segments.length <= i) return undefined;
      params[greedy[1]!] = segments.slice(i).map(safeDecode).join('/');
      score.push(0);
      return { params, score };
    }
    const segment = segments[i];
    if (segment === undefined) return undefined;
    const param = /^\{(.+)\}$/.exec(part);
    if (param) {
      params[param[1]!] = safeDecode(segment);
      score.push(1);
    } else if (part === segment) {
      score.push(2);
    } else {
      return undefined;
    }
  }
  return parts.length === segments.length ? { params, score } : undefined;
}

function compareScores(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? -1) - (b[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

/** A path segment or query part, percent-decoded where it can be. */
export function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Finds the route for a method and path (without the stage), as API Gateway does: the most
 * specific resource wins, then its method or ANY. Undefined when nothing matches, which API
 * Gateway answers with 403 Missing Authentication Token.
 */
export function matchRoute(routes: RouteModel[], method: string, path: string): RouteMatch | undefined {
  const segments = segmentsOf(path);
  let best: { resourcePath: string; params: Record<string, string>; score: number[] } | undefined;
  for (const resourcePath of new Set(routes.map((r) => r.resourcePath))) {
    const m = matchResource(resourcePath, segments);
    if (m && (!best || compareScores(m.score, best.score) > 0)) best = { resourcePath, ...m };
  }
  if (!best) return undefined;
  const onResource = routes.filter((r) => r.resourcePath === best.resourcePath);
  const route = onResource.find((r) => r.httpMethod === method) ?? onResource.find((r) => r.httpMethod === 'ANY');
  return route ? { route, pathParameters: best.params } : undefined;
}
