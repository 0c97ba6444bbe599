import { AlterModelRenameNode } from '../ast/alter-model-rename-node.js';
import { AlterModelResetNode } from '../ast/alter-model-reset-node.js';
import { AlterModelSetNode } from '../ast/alter-model-set-node.js';
import type { CatalogObjectType } from '../ast/catalog-object-type.js';
import { DescribeNode } from '../ast/describe-node.js';
import { DropNode } from '../ast/drop-node.js';
import { ShowCreateNode } from '../ast/show-create-node.js';
import { ShowNode } from '../ast/show-node.js';
import type { Statement } from '../ast/statement.js';
import { parseOptionKeyList, parseOptionList } from './option-parser.js';
import type { Parser } from './parser.js';

const OBJECT_TYPES: readonly CatalogObjectType[] = ['TABLE', 'VIEW', 'MODEL', 'CONNECTION'];
/** Flink objects predictd has no catalog for. */
const UNSUPPORTED_OBJECT_TYPES: ReadonlySet<string> = new Set(['FUNCTION', 'CATALOG', 'DATABASE', 'SCHEMA', 'SYSTEM', 'MATERIALIZED']);

function parseObjectType(p: Parser, statement: string): CatalogObjectType {
  const token = p.peek();
  const type = OBJECT_TYPES.find((t) => t === token.keyword);
  if (type) {
    p.advance();
    return type;
  }
  if (UNSUPPORTED_OBJECT_TYPES.has(token.keyword)) p.unsupported(`${statement} ${token.keyword}`, token);
  return p.unexpected('TABLE, VIEW, MODEL or CONNECTION');
}

/** ALTER MODEL [IF EXISTS] name SET (...) | RESET (...) | RENAME TO new_name. */
export function parseAlter(p: Parser): Statement {
  const start = p.expectKeyword('ALTER');
  const kind = p.peek();
  if (kind.keyword !== 'MODEL') {
    if (kind.kind === 'ident') p.unsupported(`ALTER ${kind.keyword}`, kind);
    p.unexpected('MODEL');
  }
  p.advance();
  const ifExists = p.matchKeywords('IF', 'EXISTS');
  const name = p.parseObjectName('a model name');
  if (p.matchKeyword('SET')) {
    const options = parseOptionList(p);
    return AlterModelSetNode.create({ name, ifExists, options, span: p.spanFrom(start) });
  }
  if (p.matchKeyword('RESET')) {
    const keys = parseOptionKeyList(p);
    return AlterModelResetNode.create({ name, ifExists, keys, span: p.spanFrom(start) });
  }
  if (p.matchKeywords('RENAME', 'TO')) {
    const newName = p.parseObjectName('the new model name');
    return AlterModelRenameNode.create({ name, ifExists, newName, span: p.spanFrom(start) });
  }
  return p.unexpected('SET, RESET or RENAME TO');
}

/** DROP [TEMPORARY] TABLE|VIEW|MODEL|CONNECTION [IF EXISTS] name. */
export function parseDrop(p: Parser): DropNode {
  const start = p.expectKeyword('DROP');
  const temporaryToken = p.matchKeyword('TEMPORARY');
  const objectType = parseObjectType(p, 'DROP');
  if (temporaryToken && objectType === 'CONNECTION') p.raiseError('PD1003', 'a CONNECTION cannot be TEMPORARY', temporaryToken);
  const ifExists = p.matchKeywords('IF', 'EXISTS');
  const name = p.parseObjectName(`a ${objectType.toLowerCase()} name`);
  return DropNode.create({ objectType, temporary: temporaryToken !== null, ifExists, name, span: p.spanFrom(start) });
}

const SHOW_LISTS: Readonly<Record<string, ShowNode['objects']>> = {
  TABLES: 'TABLES',
  VIEWS: 'VIEWS',
  MODELS: 'MODELS',
  CONNECTIONS: 'CONNECTIONS',
};

/** SHOW TABLES | VIEWS | MODELS | CONNECTIONS, and SHOW CREATE <kind> name. */
export function parseShow(p: Parser): Statement {
  const start = p.expectKeyword('SHOW');
  if (p.matchKeyword('CREATE')) {
    const objectType = parseObjectType(p, 'SHOW CREATE');
    const name = p.parseObjectName(`a ${objectType.toLowerCase()} name`);
    return ShowCreateNode.create({ objectType, name, span: p.spanFrom(start) });
  }
  const what = p.peek();
  const objects = Object.hasOwn(SHOW_LISTS, what.keyword) ? SHOW_LISTS[what.keyword] : undefined;
  if (!objects) {
    if (what.kind === 'ident') p.unsupported(`SHOW ${what.keyword}`, what);
    p.unexpected('TABLES, VIEWS, MODELS, CONNECTIONS or CREATE');
  }
  p.advance();
  const filter = p.peek();
  if (['FROM', 'IN', 'LIKE', 'ILIKE', 'NOT'].includes(filter.keyword)) p.unsupported(`SHOW ${objects} ${filter.keyword} ...`, filter);
  return ShowNode.create({ objects, span: p.spanFrom(start) });
}

/**
 * DESCRIBE|DESC [EXTENDED] name, and for models Flink's DESCRIBE MODEL [EXTENDED] name (also
 * written DESCRIBE EXTENDED MODEL name or DESCRIBE MODEL name EXTENDED). `MODEL` alone is a
 * table called model.
 */
export function parseDescribe(p: Parser): DescribeNode {
  const start = p.advance();
  let extended = p.matchKeyword('EXTENDED') !== null;
  const isModel = p.isKeyword('MODEL') && p.isIdentifier(1);
  if (isModel) {
    p.advance();
    // `DESCRIBE MODEL extended` names a model called extended.
    if (!extended && p.isKeyword('EXTENDED') && p.isIdentifier(1)) extended = p.matchKeyword('EXTENDED') !== null;
  }
  const name = p.parseObjectName(isModel ? 'a model name' : 'a table or view name');
  if (isModel && !extended) extended = p.matchKeyword('EXTENDED') !== null;
  return DescribeNode.create({ objectType: isModel ? 'MODEL' : null, extended, name, span: p.spanFrom(start) });
}
