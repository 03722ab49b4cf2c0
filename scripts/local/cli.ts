/** Adds a `-c key=value` CDK context pair given on a command line to `context`. */
export function addContextPair(context: Record<string, string>, flag: string, pair: string): void {
  const eq = pair.indexOf('=');
  if (eq <= 0) throw new Error(`${flag} expects key=value, got ${pair}`);
  context[pair.slice(0, eq)] = pair.slice(eq + 1);
}
