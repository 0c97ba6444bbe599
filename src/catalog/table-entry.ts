import type { CreateTableNode } from '../sql/ast/index.js';
import type { OptionProblem } from '../spi/config-spec.js';
import type { TableColumn, TableDefinition } from '../spi/connector.js';
import { closestMatch } from '../spi/did-you-mean.js';
import { resolveOptions } from '../spi/resolve-options.js';
import { compileExpr, Scope } from '../expr/index.js';
import type { CatalogContext, DiagnosticSink } from './catalog-context.js';
import type { TableColumnEntry, TableEntry } from './catalog-entries.js';
import { checkOptions, optionsMap } from './check-options.js';

const FORMAT_KEYS = ['format', 'value.format', 'key.format'] as const;

/** CREATE TABLE -> a catalog entry, with its connector, options and formats checked. */
export function tableEntry(node: CreateTableNode, ctx: CatalogContext, sink: DiagnosticSink): TableEntry | undefined {
  const name = node.name.parts.at(-1)!.name;
  const before = sink.count;
  const columns = tableColumns(node, sink);
  const implicit = node.options === null;
  if (implicit && !ctx.defaultKafkaBootstrap) {
    sink.error(
      'PD2011',
      `table '${name}' has no WITH (...): predictd reads and writes it as the Kafka topic '${name}', which needs the daemon setting kafka.bootstrapServers (PREDICTD_KAFKA_BOOTSTRAP_SERVERS)`,
      node.name.span,
    );
    return undefined;
  }
  const raw = implicit ? implicitKafkaOptions(name, ctx) : optionsMap(node.options);
  const connectorName = raw['connector'];
  if (connectorName === undefined) {
    sink.error('PD2007', `missing required option 'connector' for table '${name}'`, node.name.span);
    return undefined;
  }
  const connector = ctx.registry.connector(connectorName);
  if (!connector) {
    const hint = closestMatch(connectorName, ctx.registry.connectorNames());
    const at = node.options?.find((o) => o.key.value === 'connector')?.value.span ?? node.name.span;
    sink.error('PD2005', `unknown connector '${connectorName}'${hint ? `; did you mean '${hint}'?` : ''} (known: ${ctx.registry.connectorNames().join(', ')})`, at);
    return undefined;
  }
  const formatPrefixes = checkFormats(node, raw, ctx, sink);
  const ignore = (p: OptionProblem) => p.kind === 'unknown' && formatPrefixes.some((prefix) => p.key.startsWith(prefix));
  const { options } = checkOptions(connector.spec, raw, node.options, node.name.span, sink, `connector '${connector.name}'`, ignore);

  const definition: TableDefinition = {
    name,
    connector: connector.name,
    columns: columns.filter((c) => c.kind !== 'computed').map(toTableColumn),
    primaryKey: node.primaryKey?.columns.map((c) => c.name) ?? [],
    options,
  };
  for (const meta of definition.columns.filter((c) => c.metadataKey !== undefined)) {
    const known = connector.metadata ?? [];
    if (!known.some((m) => m.key === meta.metadataKey)) {
      const col = columns.find((c) => c.name === meta.name)!;
      const hint = closestMatch(meta.metadataKey!, known.map((m) => m.key));
      sink.error(
        'PD2011',
        `connector '${connector.name}' has no metadata key '${meta.metadataKey}'${hint ? `; did you mean '${hint}'?` : ''}`,
        col.span,
      );
    }
  }
  return { kind: 'table', name, temporary: node.temporary, node, columns, connector, definition, implicit, reported: sink.count > before };
}

function tableColumns(node: CreateTableNode, sink: DiagnosticSink): TableColumnEntry[] {
  const out: TableColumnEntry[] = [];
  const seen = new Set<string>();
  for (const col of node.columns) {
    const name = col.name.name;
    if (seen.has(name)) sink.error('PD2020', `duplicate column '${name}' in table '${node.name.parts.at(-1)!.name}'`, col.name.span);
    seen.add(name);
    switch (col.kind) {
      case 'PhysicalColumnNode':
        out.push({ name, type: col.type.type, kind: 'physical', span: col.span });
        break;
      case 'MetadataColumnNode':
        out.push({ name, type: col.type.type, kind: 'metadata', metadataKey: col.metadataKey ?? name, virtual: col.virtual, span: col.span });
        break;
      case 'ComputedColumnNode':
        break;
    }
  }
  // Computed columns see the physical and metadata columns (in Flink they may not refer to each other).
  const scope = Scope.of(out.map((c) => ({ name: c.name, type: c.type })));
  for (const col of node.columns) {
    if (col.kind !== 'ComputedColumnNode') continue;
    const compiled = compileExpr(col.expr, scope, sink.items);
    out.splice(node.columns.indexOf(col), 0, {
      name: col.name.name,
      type: compiled?.type ?? { kind: 'NULL', nullable: true },
      kind: 'computed',
      expr: col.expr,
      span: col.span,
    });
  }
  const names = new Set(out.map((c) => c.name));
  for (const pk of node.primaryKey?.columns ?? []) {
    if (!names.has(pk.name)) sink.error('PD2022', `PRIMARY KEY names unknown column '${pk.name}'`, pk.span);
  }
  if (node.watermark && !names.has(node.watermark.column.name)) {
    sink.error('PD2022', `WATERMARK names unknown column '${node.watermark.column.name}'`, node.watermark.column.span);
  }
  return out;
}

function toTableColumn(c: TableColumnEntry): TableColumn {
  return c.kind === 'metadata'
    ? { name: c.name, type: c.type, metadataKey: c.metadataKey!, virtual: c.virtual ?? false }
    : { name: c.name, type: c.type };
}

/** Confluent-style table without WITH: the Kafka topic of the same name, JSON values. */
function implicitKafkaOptions(name: string, ctx: CatalogContext): Record<string, string> {
  return {
    connector: 'kafka',
    topic: name,
    format: 'json',
    'scan.startup.mode': 'earliest-offset',
    'properties.bootstrap.servers': ctx.defaultKafkaBootstrap,
  };
}

/** Checks 'format' / 'key.format' / 'value.format' and their own options; returns the option prefixes they own. */
function checkFormats(node: CreateTableNode, raw: Record<string, string>, ctx: CatalogContext, sink: DiagnosticSink): string[] {
  const prefixes: string[] = [];
  for (const key of FORMAT_KEYS) {
    const value = raw[key];
    if (value === undefined) continue;
    const format = ctx.registry.format(value);
    const at = node.options?.find((o) => o.key.value === key)?.value.span ?? node.name.span;
    if (!format) {
      const hint = closestMatch(value, ctx.registry.formatNames());
      sink.error('PD2021', `unknown format '${value}'${hint ? `; did you mean '${hint}'?` : ''} (known: ${ctx.registry.formatNames().join(', ')})`, at);
      continue;
    }
    const own = key === 'format' ? [`${format.name}.`] : [`${key.split('.')[0]}.${format.name}.`, ...(key === 'value.format' ? [`${format.name}.`] : [])];
    prefixes.push(...own);
    for (const prefix of own) {
      const sub: Record<string, string> = {};
      for (const [k, v] of Object.entries(raw)) if (k.startsWith(prefix)) sub[k.slice(prefix.length)] = v;
      const formatKeys = format.spec.options.flatMap((o) => [o.key, ...(o.aliases ?? [])]);
      for (const p of resolveOptions(format.spec, sub).problems) {
        if (p.kind === 'missing') continue;
        const optNode = node.options?.find((o) => o.key.value === prefix + p.key);
        if (p.kind === 'unknown') {
          const hint = closestMatch(p.key, formatKeys);
          sink.error('PD2006', `unknown option '${prefix}${p.key}' for format '${format.name}'${hint ? `; did you mean '${prefix}${hint}'?` : ''}`, optNode?.key.span ?? at);
        } else {
          sink.error('PD2008', `${p.message.replace(`'${p.key}'`, `'${prefix}${p.key}'`)} (format '${format.name}')`, optNode?.value.span ?? at);
        }
      }
    }
  }
  return prefixes;
}
