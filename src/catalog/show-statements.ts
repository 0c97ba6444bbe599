import { CreateModelNode, OptionNode, StringLiteralNode, type DescribeNode, type ShowCreateNode, type ShowNode } from '../sql/ast/index.js';
import { printDataType, printStatement, printString } from '../sql/index.js';
import { objectName } from './apply-ddl.js';
import { secretOptionKeys } from './secret-options.js';
import type { Catalog } from './catalog.js';
import type { CatalogContext } from './catalog-context.js';
import type { CatalogEntry, ModelEntry } from './catalog-entries.js';

export type InfoStatement = ShowNode | DescribeNode | ShowCreateNode;


/**
 * The text a SHOW / DESCRIBE / SHOW CREATE statement answers with, for the catalog as it
 * stands at that statement. Credentials are shown as '***', never as written.
 */
export function showStatement(stmt: InfoStatement, catalog: Catalog, ctx: CatalogContext): string | undefined {
  switch (stmt.kind) {
    case 'ShowNode': {
      const kind = { TABLES: 'table', VIEWS: 'view', MODELS: 'model', CONNECTIONS: 'connection' }[stmt.objects];
      const names = catalog.entries().filter((e) => e.kind === kind).map((e) => e.name);
      return names.length ? names.join('\n') : `(no ${kind}s)`;
    }
    case 'DescribeNode': {
      const entry = stmt.objectType === 'MODEL' ? catalog.model(objectName(stmt.name)) : (catalog.relation(objectName(stmt.name)) ?? catalog.model(objectName(stmt.name)));
      return entry && describe(entry, stmt.extended, ctx);
    }
    case 'ShowCreateNode': {
      const name = objectName(stmt.name);
      const entry = stmt.objectType === 'MODEL' ? catalog.model(name) : stmt.objectType === 'CONNECTION' ? catalog.connection(name) : catalog.relation(name);
      return entry && showCreate(entry, ctx);
    }
  }
}

function describe(entry: CatalogEntry, extended: boolean, ctx: CatalogContext): string {
  const rows: string[] = [];
  if (entry.kind === 'model') {
    for (const c of entry.inputs) rows.push(`INPUT   ${c.name} ${printDataType(c.type)}`);
    for (const c of entry.outputs) rows.push(`OUTPUT  ${c.name} ${printDataType(c.type)}`);
    rows.push(`provider ${entry.definition.provider}`);
    if (extended) rows.push(...describeOptions(entry, ctx));
  } else if (entry.kind === 'table') {
    for (const c of entry.columns) rows.push(`${c.name} ${printDataType(c.type)}${c.kind === 'physical' ? '' : c.kind === 'metadata' ? ` METADATA FROM '${c.metadataKey}'${c.virtual ? ' VIRTUAL' : ''}` : ' (computed)'}`);
  } else {
    return `${entry.kind} ${entry.name}`;
  }
  return rows.join('\n');
}

/**
 * DESCRIBE MODEL EXTENDED: every option as it stands after ALTER MODEL, sorted, with the values
 * of options a spec declares secret shown as '***' (the same rule as SHOW CREATE).
 */
function describeOptions(model: ModelEntry, ctx: CatalogContext): string[] {
  const secretKeys = secretOptionKeys(ctx);
  return Object.keys(model.written)
    .sort()
    .map((key) => `option  ${printString(key)} = ${printString(secretKeys.has(key) ? '***' : model.written[key]!)}`);
}

function showCreate(entry: CatalogEntry, ctx: CatalogContext): string {
  const secretKeys = secretOptionKeys(ctx);
  const redact = (options: readonly OptionNode[] | null) =>
    options?.map((o) => (secretKeys.has(o.key.value) ? OptionNode.cloneWith(o, { value: StringLiteralNode.cloneWith(o.value, { value: '***' }) }) : o)) ?? null;
  switch (entry.kind) {
    case 'model':
      return printStatement(CreateModelNode.cloneWith(entry.node, { options: redact(optionNodesOf(entry)) ?? [] }));
    case 'table':
      return printStatement({ ...entry.node, options: redact(entry.node.options) });
    case 'view':
      return printStatement(entry.node);
    case 'connection':
      return printStatement({ ...entry.node, options: redact(entry.node.options) ?? [] });
  }
}

/** A model's options as they stand after ALTER MODEL, as option nodes to print. */
function optionNodesOf(model: ModelEntry): OptionNode[] {
  const span = model.node.span;
  return Object.entries(model.written).map(([key, value]) =>
    OptionNode.create({ key: StringLiteralNode.create({ value: key, span }), value: StringLiteralNode.create({ value, span }), span }),
  );
}
