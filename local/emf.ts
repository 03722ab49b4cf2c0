// CloudWatch embedded metric format (EMF): a function writes its metrics as one JSON line whose
// `_aws` object names the metrics and dimensions, the values sitting at the top level. On AWS,
// CloudWatch Logs turns those lines into metrics; locally they are read here, so the runtime's
// log shows `metrics EventsAccepted=1 service=ingest` instead of a blob of JSON.

/** One metric directive of an EMF line: the metrics published together under one namespace and dimension set. */
export interface EmfMetricSet {
  namespace: string;
  /** Dimension name -> value, in the order the directive names them. */
  dimensions: Record<string, string>;
  metrics: Array<{ name: string; unit: string; values: number[] }>;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The metric sets of a line a function printed, or undefined if the line is not EMF. */
export function parseEmf(line: string): EmfMetricSet[] | undefined {
  // Most lines are not metrics: skip them without parsing JSON.
  if (!line.includes('"_aws"')) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isObject(json) || !isObject(json._aws) || !Array.isArray(json._aws.CloudWatchMetrics)) return undefined;
  const root = json;
  return json._aws.CloudWatchMetrics.filter(isObject).map((directive) => {
    const names = Array.isArray(directive.Dimensions) ? directive.Dimensions.flat().filter((n): n is string => typeof n === 'string') : [];
    const dimensions: Record<string, string> = {};
    for (const name of names) dimensions[name] = String(root[name]);
    const metrics = (Array.isArray(directive.Metrics) ? directive.Metrics : []).filter(isObject).map((metric) => {
      const name = String(metric.Name);
      const value = root[name];
      const values = (Array.isArray(value) ? value : [value]).filter((v): v is number => typeof v === 'number');
      return { name, unit: typeof metric.Unit === 'string' ? metric.Unit : 'None', values };
    });
    return { namespace: String(directive.Namespace), dimensions, metrics };
  });
}

const UNIT_SUFFIXES: Record<string, string> = { Count: '', None: '', Milliseconds: 'ms', Microseconds: 'us', Seconds: 's', Percent: '%' };

/** One readable line: `metrics EventsCounted=3000 ProcessingLag=412ms service=processor` (several values as `[a,b]`). */
export function formatEmf(sets: readonly EmfMetricSet[]): string {
  const parts = sets.map((set) => {
    const metrics = set.metrics.map(({ name, unit, values }) => {
      const value = values.length === 1 ? String(values[0]) : `[${values.join(',')}]`;
      return `${name}=${value}${UNIT_SUFFIXES[unit] ?? unit}`;
    });
    const dimensions = Object.entries(set.dimensions).map(([name, value]) => `${name}=${value}`);
    return [...metrics, ...dimensions].join(' ');
  });
  return `metrics ${parts.join(' | ')}`;
}

/** A function's output line as the runtime's log shows it: EMF compacted to one readable line, anything else as printed. */
export function readableOutput(line: string): string {
  const sets = parseEmf(line);
  return sets ? formatEmf(sets) : line;
}
