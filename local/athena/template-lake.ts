// The lake as the template defines it, for the local Athena endpoint: the workgroup queries must
// name, the Glue database and table, the bucket and prefix the table reads and its columns, with
// Glue's (Hive) types turned into DuckDB's.
import { literalString, Resolver, type LocalBindings, type TemplateModel } from '../template.ts';

export interface LakeColumn {
  name: string;
  /** The column's type in DuckDB, e.g. VARCHAR or STRUCT("page" INTEGER, ...). */
  type: string;
}

export interface TemplateLake {
  workGroup: string;
  database: string;
  table: string;
  bucket: string;
  /** The table's location in the bucket, e.g. `events/`. */
  prefix: string;
  columns: LakeColumn[];
  /** Hive partition columns (site_id, date), typed as Glue types them. */
  partitionKeys: LakeColumn[];
  /** The workgroup's results location (s3://bucket/prefix/), reported in each execution. */
  outputLocation?: string;
}

const SCALARS: Record<string, string> = {
  string: 'VARCHAR',
  varchar: 'VARCHAR',
  char: 'VARCHAR',
  int: 'INTEGER',
  integer: 'INTEGER',
  bigint: 'BIGINT',
  smallint: 'SMALLINT',
  tinyint: 'TINYINT',
  double: 'DOUBLE',
  float: 'FLOAT',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
};

/**
 * A Glue (Hive) column type in DuckDB's words: struct<a:int,b:string> is STRUCT("a" INTEGER, "b" VARCHAR),
 * map<string,string> is MAP(VARCHAR, VARCHAR) (read_ndjson reads a JSON object into it), array<int> INTEGER[].
 */
export function duckDbType(hiveType: string): string {
  const type = hiveType.trim();
  const nested = /^(struct|array|map)<(.*)>$/is.exec(type);
  if (nested) {
    const [, kind, inner] = nested;
    if (kind!.toLowerCase() === 'array') return `${duckDbType(inner!)}[]`;
    if (kind!.toLowerCase() === 'map') {
      const [key, value] = splitTopLevel(inner!);
      return `MAP(${duckDbType(key!)}, ${duckDbType(value!)})`;
    }
    return `STRUCT(${splitTopLevel(inner!)
      .map((field) => {
        const colon = field.indexOf(':');
        return `"${field.slice(0, colon).trim()}" ${duckDbType(field.slice(colon + 1))}`;
      })
      .join(', ')})`;
  }
  const decimal = /^decimal\s*\((\d+)\s*,\s*(\d+)\)$/i.exec(type);
  if (decimal) return `DECIMAL(${decimal[1]}, ${decimal[2]})`;
  const scalar = SCALARS[type.toLowerCase().replace(/\(.*$/, '')];
  if (!scalar) throw new Error(`Glue column type ${hiveType} has no DuckDB counterpart here`);
  return scalar;
}

/** `a:int,b:struct<c:int,d:string>` split at the commas outside angle brackets. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '<') depth++;
    else if (text[i] === '>') depth--;
    else if (text[i] === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.filter((part) => part.trim());
}

/** s3://bucket/prefix/ as its bucket and prefix. */
function s3Location(url: string, where: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!match) throw new Error(`${where}: ${url} is not an s3:// location`);
  return { bucket: match[1]!, prefix: match[2]! };
}

/** Glue columns (as infra/ declares them) in DuckDB's types. */
export const glueColumns = (columns: readonly { name: string; type: string }[]): LakeColumn[] =>
  columns.map((column) => ({ name: column.name, type: duckDbType(column.type) }));

const columnsOf = (raw: unknown): LakeColumn[] =>
  glueColumns(((raw as { Name: string; Type: string }[] | undefined) ?? []).map((column) => ({ name: column.Name, type: column.Type })));

/**
 * The lake of a template: its Athena workgroup (AWS::Athena::WorkGroup) and the Glue table over a
 * bucket of the stack; undefined when the template has no workgroup or no such table.
 */
export function templateLake(model: TemplateModel, bindings?: LocalBindings): TemplateLake | undefined {
  const resolver = new Resolver(model, bindings);
  const resources = Object.entries(model.template.Resources);
  const workGroup = resources.find(([, r]) => r.Type === 'AWS::Athena::WorkGroup');
  const table = resources.find(([, r]) => r.Type === 'AWS::Glue::Table');
  if (!workGroup || !table) return undefined;
  const workGroupProps = resolver.resolve(workGroup[1].Properties ?? {}, workGroup[0]) as {
    Name?: string;
    WorkGroupConfiguration?: { ResultConfiguration?: { OutputLocation?: string } };
  };
  const tableProps = resolver.resolve(table[1].Properties ?? {}, table[0]) as {
    DatabaseName: string;
    TableInput: { Name: string; PartitionKeys?: unknown; StorageDescriptor?: { Location?: string; Columns?: unknown } };
  };
  const location = tableProps.TableInput.StorageDescriptor?.Location;
  if (!location) throw new Error(`${table[0]}: the Glue table has no StorageDescriptor.Location`);
  const { bucket, prefix } = s3Location(location, table[0]);
  if (!Object.values(model.buckets).some((b) => b.name === bucket)) return undefined;
  return {
    workGroup: literalString(workGroupProps.Name) ?? workGroup[0],
    database: tableProps.DatabaseName,
    table: tableProps.TableInput.Name,
    bucket,
    prefix,
    columns: columnsOf(tableProps.TableInput.StorageDescriptor?.Columns),
    partitionKeys: columnsOf(tableProps.TableInput.PartitionKeys),
    outputLocation: workGroupProps.WorkGroupConfiguration?.ResultConfiguration?.OutputLocation,
  };
}
