import type { Statement } from '../sql/ast/index.js';
import type { QualifiedNameNode } from '../sql/ast/index.js';
import { assertNever } from '../types/data-type.js';
import { closestMatch } from '../spi/did-you-mean.js';
import { isRestartStrategyKey, restartSettingProblem } from '../runtime/restart-strategy-settings.js';
import type { Catalog } from './catalog.js';
import type { CatalogContext, DiagnosticSink } from './catalog-context.js';
import { optionsMap } from './check-options.js';
import { modelEntry } from './model-entry.js';
import { tableEntry } from './table-entry.js';

export function objectName(name: QualifiedNameNode): string {
  return name.parts.at(-1)!.name;
}

type DdlStatement = Exclude<Statement, { kind: 'CreateViewNode' | 'InsertNode' | 'QueryStatementNode' | 'StatementSetNode' | 'ExplainNode' }>;

export function isDdl(s: Statement): s is DdlStatement {
  return !['CreateViewNode', 'InsertNode', 'QueryStatementNode', 'StatementSetNode', 'ExplainNode'].includes(s.kind);
}

/**
 * Applies one DDL (or SET/SHOW/DESCRIBE) statement to the catalog, reporting problems to the
 * sink. Views and queries are the planner's: they need planning to be checked.
 */
export function applyDdl(stmt: DdlStatement, catalog: Catalog, ctx: CatalogContext, sink: DiagnosticSink): void {
  switch (stmt.kind) {
    case 'CreateTableNode': {
      const name = objectName(stmt.name);
      if (exists(catalog, 'relation', name, stmt.temporary, stmt.ifNotExists, stmt.name, sink)) return;
      const entry = tableEntry(stmt, ctx, sink);
      if (entry) catalog.add(entry);
      else catalog.markFailed('relation', name);
      return;
    }
    case 'CreateModelNode': {
      const name = objectName(stmt.name);
      if (exists(catalog, 'model', name, stmt.temporary, stmt.ifNotExists, stmt.name, sink)) return;
      const entry = modelEntry({ node: stmt, name, written: optionsMap(stmt.options), optionNodes: stmt.options }, catalog, ctx, sink);
      if (entry) catalog.add(entry);
      else catalog.markFailed('model', name);
      return;
    }
    case 'CreateConnectionNode': {
      const name = objectName(stmt.name);
      if (!stmt.orReplace && exists(catalog, 'connection', name, false, stmt.ifNotExists, stmt.name, sink)) return;
      catalog.add({ kind: 'connection', name, node: stmt, options: optionsMap(stmt.options) });
      return;
    }
    case 'AlterModelSetNode':
    case 'AlterModelResetNode':
    case 'AlterModelRenameNode': {
      const name = objectName(stmt.name);
      const model = catalog.model(name);
      if (!model) {
        if (!stmt.ifExists) unknown(catalog, 'model', name, stmt.name, sink, 'PD2012');
        return;
      }
      if (stmt.kind === 'AlterModelRenameNode') {
        const newName = objectName(stmt.newName);
        if (newName !== name && catalog.exists('model', newName, model.temporary)) {
          sink.error('PD2002', `${model.temporary ? 'temporary ' : ''}model '${newName}' already exists`, stmt.newName.span);
          return;
        }
        catalog.drop('model', name, model.temporary);
        catalog.add({ ...model, name: newName, definition: { ...model.definition, name: newName } });
        return;
      }
      const written = { ...model.written };
      if (stmt.kind === 'AlterModelSetNode') Object.assign(written, optionsMap(stmt.options));
      else for (const key of stmt.keys) delete written[key.value];
      const optionNodes = stmt.kind === 'AlterModelSetNode' ? stmt.options : model.node.options;
      const before = sink.count;
      const entry = modelEntry({ node: model.node, name, written, optionNodes, at: stmt.name.span }, catalog, ctx, sink);
      // An ALTER that fails leaves the model as it was (its problems are reported once, here).
      if (entry && sink.count === before) catalog.add(entry);
      return;
    }
    case 'DropNode': {
      const ns = stmt.objectType === 'MODEL' ? 'model' : stmt.objectType === 'CONNECTION' ? 'connection' : 'relation';
      const name = objectName(stmt.name);
      const what = stmt.objectType.toLowerCase();
      const sameKind = (e: { kind: string } | undefined) => e !== undefined && (ns !== 'relation' || e.kind === what);
      // Flink: a permanent object cannot be dropped while a temporary one of that name shadows it (IF EXISTS or not).
      if (!stmt.temporary && sameKind(catalog.find(ns, name, true))) {
        const message = sameKind(catalog.find(ns, name, false))
          ? `temporary ${what} '${name}' exists: drop it first (DROP TEMPORARY ${stmt.objectType} ${name}) before removing the permanent ${what}`
          : `'${name}' is a temporary ${what}: drop it with DROP TEMPORARY ${stmt.objectType} ${name}`;
        sink.error('PD2012', message, stmt.name.span);
        return;
      }
      const found = catalog.find(ns, name, stmt.temporary);
      if (sameKind(found)) {
        catalog.drop(ns, name, stmt.temporary);
        return;
      }
      if (stmt.ifExists) return;
      if (found) {
        sink.error('PD2012', `'${name}' is a ${found.kind}, not a ${what}`, stmt.name.span);
      } else if (stmt.temporary && sameKind(catalog.find(ns, name, false))) {
        sink.error('PD2012', `there is no temporary ${what} '${name}', only a permanent one (DROP ${stmt.objectType} ${name} drops it)`, stmt.name.span);
      } else {
        unknown(catalog, ns, name, stmt.name, sink, 'PD2012');
      }
      return;
    }
    case 'SetNode': {
      if (stmt.key === null || stmt.value === null) return;
      const problem = isRestartStrategyKey(stmt.key) ? restartSettingProblem(stmt.key, stmt.value) : undefined;
      if (problem) sink.error('PD2027', problem, stmt.span);
      else catalog.settings.set(stmt.key, stmt.value);
      return;
    }
    case 'ResetNode':
      if (stmt.key === null) catalog.settings.clear();
      else catalog.settings.delete(stmt.key);
      return;
    case 'ShowNode':
      return;
    case 'DescribeNode':
    case 'ShowCreateNode': {
      const ns = stmt.kind === 'DescribeNode' ? (stmt.objectType === 'MODEL' ? 'model' : undefined) : stmt.objectType === 'MODEL' ? 'model' : stmt.objectType === 'CONNECTION' ? 'connection' : 'relation';
      const name = objectName(stmt.name);
      const found = ns ? catalog.lookup(ns, name) : (catalog.relation(name) ?? catalog.model(name));
      if (!found) unknown(catalog, ns ?? 'relation', name, stmt.name, sink);
      return;
    }
    default:
      assertNever(stmt, 'statement');
  }
}

function exists(
  catalog: Catalog,
  ns: 'relation' | 'model' | 'connection',
  name: string,
  temporary: boolean,
  ifNotExists: boolean,
  at: QualifiedNameNode,
  sink: DiagnosticSink,
): boolean {
  if (!catalog.exists(ns, name, temporary)) return false;
  if (!ifNotExists) sink.error('PD2002', `${temporary ? 'temporary ' : ''}${ns === 'relation' ? 'table or view' : ns} '${name}' already exists (use IF NOT EXISTS to skip)`, at.span);
  return true;
}

export function unknown(
  catalog: Catalog,
  ns: 'relation' | 'model' | 'connection',
  name: string,
  at: QualifiedNameNode,
  sink: DiagnosticSink,
  code: 'PD2001' | 'PD2003' | 'PD2004' | 'PD2012' = ns === 'model' ? 'PD2003' : ns === 'connection' ? 'PD2004' : 'PD2001',
): void {
  if (catalog.failed(ns, name)) return; // its CREATE already reported why it does not exist
  const hint = closestMatch(name, catalog.names(ns).filter((n) => n !== name));
  const what = ns === 'relation' ? 'table or view' : ns;
  sink.error(code, `unknown ${what} '${name}'${hint ? `; did you mean '${hint}'?` : ''}`, at.span);
}
