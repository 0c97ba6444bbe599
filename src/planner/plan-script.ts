import type { Statement } from '../sql/ast/index.js';
import type { Diagnostic } from '../errors/diagnostic.js';
import { applyDdl, isDdl, objectName } from '../catalog/apply-ddl.js';
import { Catalog } from '../catalog/catalog.js';
import { showStatement } from '../catalog/show-statements.js';
import { DiagnosticSink, type CatalogContext } from '../catalog/catalog-context.js';
import { assertNever } from '../types/data-type.js';
import type { PlanContext } from './plan-context.js';
import type { PipelinePlan } from './pipeline-plan.js';
import { planInsert, planSelectToPrint } from './plan-insert.js';
import { planQuery, renameColumns } from './plan-query.js';

export interface ScriptPlan {
  readonly catalog: Catalog;
  /** One per INSERT and bare SELECT, in file order (EXPLAIN statements are planned but not run). */
  readonly pipelines: readonly PipelinePlan[];
  readonly explained: readonly PipelinePlan[];
  /** What each SHOW / DESCRIBE / SHOW CREATE statement answered, in file order (credentials as '***'). */
  readonly shown: readonly { readonly line: number; readonly text: string }[];
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Runs a job file's statements in order against a fresh catalog: DDL builds it, each query is
 * planned against the catalog as it stands at that statement. Every problem is collected.
 */
export function planScript(statements: readonly Statement[], catalogContext: CatalogContext): ScriptPlan {
  const catalog = new Catalog();
  const sink = new DiagnosticSink();
  const ctx: PlanContext = { catalog, catalogContext, sink };
  const pipelines: PipelinePlan[] = [];
  const explained: PipelinePlan[] = [];
  const shown: Array<{ line: number; text: string }> = [];
  const push = (plan: PipelinePlan | undefined, into: PipelinePlan[]) => plan && into.push(plan);
  for (const stmt of statements) planStatement(stmt);
  return { catalog, pipelines, explained, shown, diagnostics: sink.items };

  function planStatement(stmt: Statement, into: PipelinePlan[] = pipelines): void {
    if (isDdl(stmt)) {
      applyDdl(stmt, catalog, catalogContext, sink);
      if (stmt.kind === 'ShowNode' || stmt.kind === 'DescribeNode' || stmt.kind === 'ShowCreateNode') {
        const text = showStatement(stmt, catalog, catalogContext);
        if (text !== undefined) shown.push({ line: stmt.span.line, text });
      }
      return;
    }
    switch (stmt.kind) {
      case 'CreateViewNode': {
        const name = objectName(stmt.name);
        if (catalog.exists('relation', name, stmt.temporary)) {
          if (!stmt.ifNotExists) sink.error('PD2002', `${stmt.temporary ? 'temporary ' : ''}table or view '${name}' already exists (use IF NOT EXISTS to skip)`, stmt.name.span);
          return;
        }
        const rel = planQuery(stmt.query, ctx);
        if (rel && (!stmt.columns || renameColumns(rel, stmt.columns.map((c) => c.name), stmt.name.span, ctx))) {
          catalog.add({ kind: 'view', name, temporary: stmt.temporary, node: stmt });
        } else {
          catalog.markFailed('relation', name); // its errors are reported; uses of the view add none
        }
        return;
      }
      case 'InsertNode':
        push(planInsert(stmt, ctx), into);
        return;
      case 'QueryStatementNode':
        push(planSelectToPrint(stmt, ctx), into);
        return;
      case 'StatementSetNode':
        for (const insert of stmt.inserts) push(planInsert(insert, ctx), into);
        return;
      case 'ExplainNode':
        planStatement(stmt.statement, explained);
        return;
      default:
        assertNever(stmt, 'statement');
    }
  }
}
