import { assertNever } from '../../types/data-type.js';
import type { ColumnDef } from '../ast/column-def.js';
import type { CreateTableNode } from '../ast/create-table-node.js';
import type { ModelColumnNode } from '../ast/model-column-node.js';
import type { OptionNode } from '../ast/option-node.js';
import type { QualifiedNameNode } from '../ast/qualified-name-node.js';
import type { Statement } from '../ast/statement.js';
import type { InsertNode } from '../ast/insert-node.js';
import type { StatementSetNode } from '../ast/statement-set-node.js';
import { printDataType } from './print-data-type.js';
import { printExpr } from './print-expr.js';
import { printIdentifier, printQualifiedName, printString } from './print-identifier.js';
import { printQuery } from './print-query.js';

const INDENT = '  ';

/** Comments `predictd fmt` attached to an option or a column: on their own lines before it, or after it on its line. */
export interface AttachedComments {
  readonly leading: readonly string[];
  readonly trailing: readonly string[];
}

/** The comments of a node printed on a line of its own (a WITH option, a CREATE TABLE column), if any. */
export type CommentLookup = (node: OptionNode | ColumnDef) => AttachedComments | undefined;

const NO_COMMENTS: CommentLookup = () => undefined;

/** Canonical Flink SQL for one statement, without the trailing `;`; `comments` places fmt's comments. */
export function printStatement(statement: Statement, comments: CommentLookup = NO_COMMENTS): string {
  const printOptions = (options: readonly OptionNode[]) => printOptionList(options, comments);
  switch (statement.kind) {
    case 'CreateTableNode':
      return printCreateTable(statement, comments);
    case 'CreateViewNode': {
      const columns = statement.columns ? ` (${statement.columns.map((c) => printIdentifier(c.name)).join(', ')})` : '';
      const comment = statement.comment !== null ? `\nCOMMENT ${printString(statement.comment)}` : '';
      const head = `CREATE ${temporary(statement.temporary)}VIEW ${ifNotExists(statement.ifNotExists)}${objectName(statement.name)}`;
      return `${head}${columns}${comment} AS\n${printQuery(statement.query)}`;
    }
    case 'CreateModelNode': {
      const lines = [`CREATE ${temporary(statement.temporary)}MODEL ${ifNotExists(statement.ifNotExists)}${objectName(statement.name)}`];
      if (statement.input) lines.push(`INPUT (${printModelColumns(statement.input)})`);
      if (statement.output) lines.push(`OUTPUT (${printModelColumns(statement.output)})`);
      if (statement.comment !== null) lines.push(`COMMENT ${printString(statement.comment)}`);
      lines.push(`WITH ${printOptions(statement.options)}`);
      return lines.join('\n');
    }
    case 'CreateConnectionNode': {
      const orReplace = statement.orReplace ? 'OR REPLACE ' : '';
      const lines = [`CREATE ${orReplace}CONNECTION ${ifNotExists(statement.ifNotExists)}${objectName(statement.name)}`];
      if (statement.comment !== null) lines.push(`COMMENT ${printString(statement.comment)}`);
      lines.push(`WITH ${printOptions(statement.options)}`);
      return lines.join('\n');
    }
    case 'AlterModelSetNode':
      return `${alterModel(statement.ifExists, statement.name)} SET ${printOptions(statement.options)}`;
    case 'AlterModelResetNode':
      return `${alterModel(statement.ifExists, statement.name)} RESET (${statement.keys.map((k) => printString(k.value)).join(', ')})`;
    case 'AlterModelRenameNode':
      return `${alterModel(statement.ifExists, statement.name)} RENAME TO ${objectName(statement.newName)}`;
    case 'DropNode': {
      const ifExists = statement.ifExists ? 'IF EXISTS ' : '';
      return `DROP ${temporary(statement.temporary)}${statement.objectType} ${ifExists}${objectName(statement.name)}`;
    }
    case 'ShowNode':
      return `SHOW ${statement.objects}`;
    case 'ShowCreateNode':
      return `SHOW CREATE ${statement.objectType} ${objectName(statement.name)}`;
    case 'DescribeNode': {
      const extended = statement.extended ? 'EXTENDED ' : '';
      // Flink's order: DESCRIBE MODEL [EXTENDED] name, DESCRIBE [EXTENDED] name.
      const model = statement.objectType === 'MODEL' ? 'MODEL ' : '';
      return `DESCRIBE ${model}${extended}${objectName(statement.name)}`;
    }
    case 'SetNode':
      return statement.key === null ? 'SET' : `SET ${printString(statement.key)} = ${printString(statement.value ?? '')}`;
    case 'ResetNode':
      return statement.key === null ? 'RESET' : `RESET ${printString(statement.key)}`;
    case 'InsertNode':
      return printInsert(statement);
    case 'StatementSetNode':
      return printStatementSet(statement);
    case 'QueryStatementNode':
      return printQuery(statement.query);
    case 'ExplainNode':
      return `EXPLAIN ${printStatement(statement.statement)}`;
    default:
      return assertNever(statement, 'statement');
  }
}

/** Statements separated by `;` and a blank line, ending with a newline. */
export function printScript(statements: readonly Statement[]): string {
  return statements.map((s) => `${printStatement(s)};\n`).join('\n');
}

function temporary(flag: boolean): string {
  return flag ? 'TEMPORARY ' : '';
}

function ifNotExists(flag: boolean): string {
  return flag ? 'IF NOT EXISTS ' : '';
}

function objectName(name: QualifiedNameNode): string {
  return printQualifiedName(name, true);
}

function alterModel(ifExists: boolean, name: QualifiedNameNode): string {
  return `ALTER MODEL ${ifExists ? 'IF EXISTS ' : ''}${objectName(name)}`;
}

/** `(\n  'k' = 'v',\n  ...\n)`: one option per line. */
function printOptionList(options: readonly OptionNode[], comments: CommentLookup): string {
  const items = options.map((o) => ({ text: `${printString(o.key.value)} = ${printString(o.value.value)}`, node: o }));
  return `(\n${printLines(items, comments)}\n)`;
}

/**
 * Indented items, one per line, separated by commas. A trailing comment goes after the comma:
 * a `--` comment runs to the end of the line.
 */
function printLines(items: ReadonlyArray<{ text: string; node?: OptionNode | ColumnDef }>, comments: CommentLookup): string {
  return items
    .map((item, i) => {
      const attached = item.node ? comments(item.node) : undefined;
      const leading = attached?.leading.map((c) => `${INDENT}${c}\n`).join('') ?? '';
      const trailing = attached && attached.trailing.length > 0 ? ` ${attached.trailing.join(' ')}` : '';
      return `${leading}${INDENT}${item.text}${i < items.length - 1 ? ',' : ''}${trailing}`;
    })
    .join('\n');
}

function printModelColumns(columns: readonly ModelColumnNode[]): string {
  return columns.map((c) => `${printIdentifier(c.name.name)} ${printDataType(c.type.type)}${c.metadata ? ' METADATA' : ''}${comment(c.comment)}`).join(', ');
}

function comment(text: string | null): string {
  return text === null ? '' : ` COMMENT ${printString(text)}`;
}

function printCreateTable(table: CreateTableNode, comments: CommentLookup): string {
  const elements: Array<{ text: string; node?: ColumnDef }> = table.columns.map((c) => ({ text: printColumn(c), node: c }));
  if (table.watermark) {
    elements.push({ text: `WATERMARK FOR ${printIdentifier(table.watermark.column.name)} AS ${printExpr(table.watermark.expr)}` });
  }
  if (table.primaryKey) {
    const key = table.primaryKey;
    const constraint = key.constraintName ? `CONSTRAINT ${printIdentifier(key.constraintName.name)} ` : '';
    const columns = key.columns.map((c) => printIdentifier(c.name)).join(', ');
    elements.push({ text: `${constraint}PRIMARY KEY (${columns}) NOT ENFORCED` });
  }
  const head = `CREATE ${temporary(table.temporary)}TABLE ${ifNotExists(table.ifNotExists)}${objectName(table.name)}`;
  let text = `${head} (\n${printLines(elements, comments)}\n)`;
  if (table.comment !== null) text += `\nCOMMENT ${printString(table.comment)}`;
  if (table.options) text += ` WITH ${printOptionList(table.options, comments)}`;
  return text;
}

function printColumn(column: ColumnDef): string {
  const name = printIdentifier(column.name.name);
  switch (column.kind) {
    case 'PhysicalColumnNode':
      return `${name} ${printDataType(column.type.type)}${comment(column.comment)}`;
    case 'MetadataColumnNode': {
      const from = column.metadataKey !== null ? ` FROM ${printString(column.metadataKey)}` : '';
      const virtual = column.virtual ? ' VIRTUAL' : '';
      return `${name} ${printDataType(column.type.type)} METADATA${from}${virtual}${comment(column.comment)}`;
    }
    case 'ComputedColumnNode':
      return `${name} AS ${printExpr(column.expr)}${comment(column.comment)}`;
    default:
      return assertNever(column, 'column');
  }
}

function printInsert(insert: InsertNode): string {
  const columns = insert.columns ? ` (${insert.columns.map((c) => printIdentifier(c.name)).join(', ')})` : '';
  return `INSERT INTO ${printQualifiedName(insert.table)}${columns}\n${printQuery(insert.query)}`;
}

function printStatementSet(set: StatementSetNode): string {
  const inserts = set.inserts.map((insert) => `${printInsert(insert)};`).join('\n');
  switch (set.syntax) {
    case 'BEGIN':
      return `BEGIN STATEMENT SET;\n${inserts}\nEND`;
    case 'EXECUTE':
      return `EXECUTE STATEMENT SET\nBEGIN\n${inserts}\nEND`;
    default:
      return assertNever(set.syntax, 'statement set syntax');
  }
}
