/**
 * The functions' custom metrics as CloudWatch embedded metric format lines, written as Powertools
 * for AWS Lambda's Metrics (2.x) writes them, key for key (test/unit/observability.test.ts
 * compares the two): the namespace from POWERTOOLS_METRICS_NAMESPACE, the dimension `service`
 * from POWERTOOLS_SERVICE_NAME, repeated values of a metric as an array, a line written once 100
 * metrics or 100 values of one are stored, to stdout (not through the global console). Not kept,
 * as the functions use none of them: metadata, high-resolution metrics, dimension sets, explicit
 * timestamps, the cold-start metric, POWERTOOLS_METRICS_DISABLED and POWERTOOLS_DEV.
 */

/** The units the functions' metrics use (CloudWatch's names). */
export const MetricUnit = { Count: 'Count', Milliseconds: 'Milliseconds', Seconds: 'Seconds', Bytes: 'Bytes', Percent: 'Percent', None: 'None' } as const;
export type MetricUnit = (typeof MetricUnit)[keyof typeof MetricUnit];

const DEFAULT_NAMESPACE = 'default_namespace';
const MAX_METRICS = 100;
const MAX_VALUES = 100;
const MAX_DIMENSIONS = 29;

interface StoredMetric {
  unit: MetricUnit;
  value: number | number[];
}

export class Metrics {
  private readonly namespace: string;
  private readonly service: string;
  private stored = new Map<string, StoredMetric>();
  private dimensions: Record<string, string> = {};

  constructor(
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly single = false,
  ) {
    this.namespace = env.POWERTOOLS_METRICS_NAMESPACE?.trim() ?? '';
    this.service = env.POWERTOOLS_SERVICE_NAME?.trim() || 'service_undefined';
  }

  /** A dimension of the metrics stored until the next line (a single metric's, in practice). */
  addDimension(name: string, value: string): this {
    if (!name || !value) {
      process.stderr.write(`The dimension ${name} doesn't meet the requirements and won't be added. Ensure the dimension name and value are non empty strings\n`);
      return this;
    }
    if (new Set(['service', ...Object.keys(this.dimensions), name]).size > MAX_DIMENSIONS) {
      throw new RangeError(`The number of metric dimensions must be lower than ${MAX_DIMENSIONS}`);
    }
    if (name === 'service' || Object.hasOwn(this.dimensions, name)) {
      process.stderr.write(`Dimension "${name}" has already been added. The previous value will be overwritten.\n`);
    }
    this.dimensions[name] = value;
    return this;
  }

  addMetric(name: string, unit: MetricUnit, value: number): this {
    if (name.length < 1 || name.length > 255) throw new RangeError('The metric name should be between 1 and 255 characters');
    if (typeof value !== 'number' || Number.isNaN(value)) throw new RangeError(`${value} is not a valid number`);
    if (this.stored.size >= MAX_METRICS) this.publishStoredMetrics();
    const existing = this.stored.get(name);
    if (!existing) this.stored.set(name, { unit, value });
    else {
      if (existing.unit !== unit) {
        throw new Error(`Metric "${name}" has already been added with unit "${existing.unit}", but we received unit "${unit}". Did you mean to use metric unit "${existing.unit}"?`);
      }
      existing.value = Array.isArray(existing.value) ? [...existing.value, value] : [existing.value, value];
      if (existing.value.length === MAX_VALUES) this.publishStoredMetrics();
    }
    if (this.single) this.publishStoredMetrics();
    return this;
  }

  /** A metric written at once, in a line of its own, with dimensions of its own (added before the metric). */
  singleMetric(): Metrics {
    return new Metrics(this.env, true);
  }

  hasStoredMetrics(): boolean {
    return this.stored.size > 0;
  }

  /** Writes the stored metrics as one EMF line and forgets them and the added dimensions. */
  publishStoredMetrics(): void {
    if (this.stored.size > 0) process.stdout.write(`${JSON.stringify(this.serialize())}\n`);
    this.stored = new Map();
    this.dimensions = {};
  }

  private serialize(): Record<string, unknown> {
    if (!this.namespace) process.stderr.write('Namespace should be defined, default used\n');
    const metrics = [...this.stored];
    const names = Object.keys(this.dimensions).length > 0 ? [...new Set(['service', ...Object.keys(this.dimensions)])] : ['service'];
    return {
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [{ Namespace: this.namespace || DEFAULT_NAMESPACE, Dimensions: [names], Metrics: metrics.map(([name, { unit }]) => ({ Name: name, Unit: unit })) }],
      },
      service: this.service,
      ...this.dimensions,
      ...Object.fromEntries(metrics.map(([name, { value }]) => [name, value])),
    };
  }
}
