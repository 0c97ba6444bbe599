import { CreateConnectionNode } from '../ast/create-connection-node.js';
import { CreateModelNode } from '../ast/create-model-node.js';
import { CreateViewNode } from '../ast/create-view-node.js';
import { ModelColumnNode } from '../ast/model-column-node.js';
import type { CreatePrefix } from './create-prefix.js';
import { parseOptionalComment, parseOptionList } from './option-parser.js';
import type { Parser } from './parser.js';
import { parseQuery } from './query-parser.js';
import { parseDataType } from './type-parser.js';

/** CREATE [TEMPORARY] VIEW [IF NOT EXISTS] name [(cols)] [COMMENT '...'] AS query. */
export function parseCreateView(p: Parser, prefix: CreatePrefix): CreateViewNode {
  rejectOrReplace(p, prefix, 'VIEW');
  p.expectKeyword('VIEW');
  const ifNotExists = p.matchKeywords('IF', 'NOT', 'EXISTS');
  const name = p.parseObjectName('a view name');
  const columns = p.isSymbol('(') ? p.parseIdentifierList() : null;
  const comment = parseOptionalComment(p);
  p.expectKeyword('AS');
  const query = parseQuery(p);
  return CreateViewNode.create({
    name,
    temporary: prefix.temporary !== null,
    ifNotExists,
    columns,
    comment,
    query,
    span: p.spanFrom(prefix.start),
  });
}

/** CREATE [TEMPORARY] MODEL [IF NOT EXISTS] name [INPUT (...)] [OUTPUT (...)] [COMMENT '...'] WITH (...). */
export function parseCreateModel(p: Parser, prefix: CreatePrefix): CreateModelNode {
  rejectOrReplace(p, prefix, 'MODEL');
  p.expectKeyword('MODEL');
  const ifNotExists = p.matchKeywords('IF', 'NOT', 'EXISTS');
  const name = p.parseObjectName('a model name');
  const input = p.matchKeyword('INPUT') ? parseModelColumns(p) : null;
  const output = p.matchKeyword('OUTPUT') ? parseModelColumns(p) : null;
  const comment = parseOptionalComment(p);
  rejectTraining(p);
  p.expectKeyword('WITH');
  const options = parseOptionList(p);
  rejectTraining(p);
  return CreateModelNode.create({
    name,
    temporary: prefix.temporary !== null,
    ifNotExists,
    input,
    output,
    comment,
    options,
    span: p.spanFrom(prefix.start),
  });
}

/**
 * `CREATE MODEL ... [WITH (...)] AS SELECT ...` trains a model (VVR, Confluent, FLIP-437): its
 * own code, so a user sees why the statement cannot run rather than a generic syntax error.
 */
function rejectTraining(p: Parser): void {
  const as = p.peek();
  if (as.keyword !== 'AS') return;
  p.raiseError('PD1011', 'model training (CREATE MODEL ... AS SELECT) is not supported: predictd runs models that already exist', as);
}

function parseModelColumns(p: Parser): ModelColumnNode[] {
  return p.parseParenList(() => {
    const name = p.parseIdentifier('a column name');
    const type = parseDataType(p);
    const metadata = p.matchKeyword('METADATA') !== null;
    const comment = parseOptionalComment(p);
    return ModelColumnNode.create({ name, type, metadata, comment, span: p.spanFrom(name.span) });
  });
}

/** CREATE [OR REPLACE] CONNECTION [IF NOT EXISTS] name [COMMENT '...'] WITH (...). */
export function parseCreateConnection(p: Parser, prefix: CreatePrefix): CreateConnectionNode {
  if (prefix.temporary) p.raiseError('PD1003', 'a CONNECTION cannot be TEMPORARY', prefix.temporary);
  p.expectKeyword('CONNECTION');
  const ifNotExists = p.matchKeywords('IF', 'NOT', 'EXISTS');
  const name = p.parseObjectName('a connection name');
  const comment = parseOptionalComment(p);
  p.expectKeyword('WITH');
  const options = parseOptionList(p);
  return CreateConnectionNode.create({
    name,
    orReplace: prefix.orReplace !== null,
    ifNotExists,
    comment,
    options,
    span: p.spanFrom(prefix.start),
  });
}

export function rejectOrReplace(p: Parser, prefix: CreatePrefix, kind: string): void {
  if (prefix.orReplace) p.unsupported(`CREATE OR REPLACE ${kind}`, prefix.orReplace);
}
