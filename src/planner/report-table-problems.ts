import type { TableEntry } from '../catalog/catalog-entries.js';
import type { TableRole } from '../spi/connector.js';
import { isErrorCode } from '../errors/error-codes.js';
import type { PlanContext } from './plan-context.js';

/** The connector's own checks of a table read or written by a query, reported once per table. */
export function reportTableProblems(table: TableEntry, role: TableRole, ctx: PlanContext): void {
  if (table.reported) return;
  for (const problem of table.connector.checkTable?.(table.definition, role) ?? []) {
    if (typeof problem === 'string') {
      ctx.sink.error('PD2011', `table '${table.name}': ${problem}`, table.node.name.span);
      continue;
    }
    const at = table.node.options?.find((o) => o.key.value === problem.option)?.value.span ?? table.node.name.span;
    ctx.sink.error(isErrorCode(problem.code) ? problem.code : 'PD2011', `table '${table.name}': ${problem.message}`, at);
  }
}
