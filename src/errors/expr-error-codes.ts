/** PD22xx: expression checks before a job runs; PD44xx: a row that fails while it is evaluated. */
export const EXPR_ERROR_CODES = {
  PD2201: 'unknown column: the name matches no column in scope',
  PD2202: 'ambiguous column: the unqualified name matches columns of more than one table',
  PD2203: 'unknown ROW field, or field access on a value that is not a ROW',
  PD2204: 'unknown function',
  PD2205: 'wrong number of arguments to a function',
  PD2206: 'an operator or function does not accept the type of one of its operands',
  PD2207: 'the branches or elements of CASE, COALESCE, IN, ARRAY or MAP have no common type',
  PD2208: 'CAST between types that cannot be cast',
  PD2209: 'invalid literal: bad DATE/TIME/TIMESTAMP/INTERVAL text or a number out of range',
  PD2210: 'invalid constant argument: a JSON path, EXTRACT unit, RETURNING type or clause that cannot work',
  PD2211: 'a scalar ML_PREDICT call where the planner cannot run one',
  PD4401: 'division by zero in an exact-numeric / or %',
  PD4402: 'CAST failed: the value cannot be converted to the target type',
  PD4403: 'a function failed on the values of this row',
  PD4404: 'a JSON function hit ERROR ON EMPTY or ERROR ON ERROR',
} as const;
