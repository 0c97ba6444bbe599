import type { ColumnDef } from '../ast/column-def.js';
import { ComputedColumnNode } from '../ast/computed-column-node.js';
import { CreateTableNode } from '../ast/create-table-node.js';
import type { IdentifierNode } from '../ast/identifier-node.js';
import { MetadataColumnNode } from '../ast/metadata-column-node.js';
import { PhysicalColumnNode } from '../ast/physical-column-node.js';
import { PrimaryKeyNode } from '../ast/primary-key-node.js';
import { WatermarkNode } from '../ast/watermark-node.js';
import type { Token } from '../token.js';
import type { CreatePrefix } from './create-prefix.js';
import { rejectOrReplace } from './ddl-parser.js';
import { parseExpr } from './expr-parser.js';
import { parseOptionalComment, parseOptionList } from './option-parser.js';
import type { Parser } from './parser.js';
import { parseDataType } from './type-parser.js';

/** The table elements collected so far; each element kind may add to it. */
interface TableElements {
  readonly columns: ColumnDef[];
  watermark: WatermarkNode | null;
  primaryKey: PrimaryKeyNode | null;
}

/**
 * CREATE [TEMPORARY] TABLE [IF NOT EXISTS] name ( element, ... ) [COMMENT '...'] [WITH (...)].
 * WITH is optional because Confluent tables have none.
 */
export function parseCreateTable(p: Parser, prefix: CreatePrefix): CreateTableNode {
  rejectOrReplace(p, prefix, 'TABLE');
  p.expectKeyword('TABLE');
  const ifNotExists = p.matchKeywords('IF', 'NOT', 'EXISTS');
  const name = p.parseObjectName('a table name');
  rejectTableTail(p);
  const elements: TableElements = { columns: [], watermark: null, primaryKey: null };
  p.expectSymbol('(');
  do parseTableElement(p, elements);
  while (p.matchSymbol(','));
  p.expectSymbol(')');
  const comment = parseOptionalComment(p);
  rejectTableTail(p);
  const options = p.matchKeyword('WITH') ? parseOptionList(p) : null;
  rejectTableTail(p);
  return CreateTableNode.create({
    name,
    temporary: prefix.temporary !== null,
    ifNotExists,
    columns: elements.columns,
    watermark: elements.watermark,
    primaryKey: elements.primaryKey,
    comment,
    options,
    span: p.spanFrom(prefix.start),
  });
}

/** CTAS, LIKE, PARTITIONED BY and DISTRIBUTED BY. */
function rejectTableTail(p: Parser): void {
  const token = p.peek();
  if (token.keyword === 'AS') p.unsupported('CREATE TABLE ... AS SELECT', token);
  if (token.keyword === 'LIKE') p.unsupported('CREATE TABLE ... LIKE', token);
  if (p.isKeywords('PARTITIONED', 'BY')) p.unsupported('PARTITIONED BY', token);
  if (p.isKeywords('DISTRIBUTED', 'BY') || p.isKeywords('DISTRIBUTED', 'INTO')) p.unsupported('DISTRIBUTED BY', token);
}

function parseTableElement(p: Parser, elements: TableElements): void {
  const start = p.peek();
  if (p.isKeywords('WATERMARK', 'FOR')) {
    if (elements.watermark) p.raiseError('PD1008', 'a table has at most one WATERMARK', start);
    elements.watermark = parseWatermark(p);
  } else if (p.isKeywords('PRIMARY', 'KEY')) {
    setPrimaryKey(p, elements, parseTablePrimaryKey(p, null, start), start);
  } else if (p.isKeyword('CONSTRAINT') && p.isIdentifier(1) && p.isKeyword('PRIMARY', 2)) {
    p.advance();
    const constraintName = p.parseIdentifier('a constraint name');
    setPrimaryKey(p, elements, parseTablePrimaryKey(p, constraintName, start), start);
  } else {
    elements.columns.push(parseColumn(p, elements));
  }
}

function parseWatermark(p: Parser): WatermarkNode {
  const start = p.advance();
  p.expectKeyword('FOR');
  const column = p.parseIdentifier('the rowtime column');
  p.expectKeyword('AS');
  const expr = parseExpr(p);
  return WatermarkNode.create({ column, expr, span: p.spanFrom(start) });
}

function parseTablePrimaryKey(p: Parser, constraintName: IdentifierNode | null, start: Token): PrimaryKeyNode {
  p.expectKeywords('PRIMARY', 'KEY');
  const columns = p.parseIdentifierList();
  expectNotEnforced(p);
  return PrimaryKeyNode.create({ constraintName, columns, span: p.spanFrom(start) });
}

function expectNotEnforced(p: Parser): void {
  if (!p.matchKeywords('NOT', 'ENFORCED')) p.unexpected('NOT ENFORCED (Flink does not enforce primary keys)');
}

function setPrimaryKey(p: Parser, elements: TableElements, key: PrimaryKeyNode, start: Token): void {
  if (elements.primaryKey) p.raiseError('PD1008', 'a table has at most one PRIMARY KEY', start);
  elements.primaryKey = key;
}

/** Physical `name type [PRIMARY KEY NOT ENFORCED] [COMMENT]`, metadata, or computed `name AS expr`. */
function parseColumn(p: Parser, elements: TableElements): ColumnDef {
  const name = p.parseIdentifier('a column name');
  if (p.matchKeyword('AS')) {
    const expr = parseExpr(p);
    const comment = parseOptionalComment(p);
    return ComputedColumnNode.create({ name, expr, comment, span: p.spanFrom(name.span) });
  }
  const type = parseDataType(p);
  if (p.matchKeyword('METADATA')) {
    const metadataKey = p.matchKeyword('FROM') ? p.parseStringLiteral('a metadata key string').value : null;
    const virtual = p.matchKeyword('VIRTUAL') !== null;
    const comment = parseOptionalComment(p);
    return MetadataColumnNode.create({ name, type, metadataKey, virtual, comment, span: p.spanFrom(name.span) });
  }
  const keyStart = p.peek();
  if (p.matchKeywords('PRIMARY', 'KEY')) {
    expectNotEnforced(p);
    const key = PrimaryKeyNode.create({ constraintName: null, columns: [name], span: p.spanFrom(keyStart) });
    setPrimaryKey(p, elements, key, keyStart);
  }
  const comment = parseOptionalComment(p);
  return PhysicalColumnNode.create({ name, type, comment, span: p.spanFrom(name.span) });
}
