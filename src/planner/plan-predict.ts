import type { Expr, MapConstructorNode, MlPredictNode, SelectNode } from '../sql/ast/index.js';
import { printExpr } from '../sql/index.js';
import { canImplicitlyCast, castOf, compileExpr, formatType, type CompiledExpr } from '../expr/index.js';
import { objectName, unknown } from '../catalog/apply-ddl.js';
import type { ModelEntry } from '../catalog/catalog-entries.js';
import { closestMatch } from '../spi/did-you-mean.js';
import { parseDuration } from '../spi/duration.js';
import type { DataType } from '../types/data-type.js';
import type { Span } from '../errors/diagnostic.js';
import type { PlanContext } from './plan-context.js';
import type { PredictConfig } from './pipeline-plan.js';
import { planNamedRelation } from './plan-query.js';
import { requalify, scopeOf, withStage, type RelColumn, type Relation } from './relation.js';

const DEFAULTS = { maxConcurrent: 10, ordered: true, timeoutMs: 180_000 };

/** Which async call a CONFIG map belongs to: its name in messages, its error code, its keys and SET fallbacks. */
export interface AsyncCallKind {
  readonly fn: string;
  readonly code: 'PD2015' | 'PD2029';
  /** `table.exec.async-ml-predict` or `table.exec.async-vector-search`. */
  readonly sessionPrefix: string;
  readonly keys: readonly string[];
}

const ML_PREDICT_CALL: AsyncCallKind = {
  fn: 'ML_PREDICT',
  code: 'PD2015',
  sessionPrefix: 'table.exec.async-ml-predict',
  // Flink's keys, and Confluent's spellings of the same settings.
  keys: ['async', 'max-concurrent-operations', 'output-mode', 'timeout', 'async_enabled', 'max_parallelism', 'client_timeout', 'retry_count', 'debug'],
};

/** `ML_PREDICT(TABLE t, MODEL m, DESCRIPTOR(cols) [, MAP[...]])` and its named form. */
export function planTvfPredict(call: MlPredictNode, ctx: PlanContext): Relation | undefined {
  if (!call.input) {
    ctx.sink.error('PD2015', 'ML_PREDICT needs its input table: ML_PREDICT(TABLE t, MODEL m, DESCRIPTOR(col))', call.span);
    return undefined;
  }
  const input = planNamedRelation(call.input, ctx);
  if (!input) return undefined;
  return appendPredict(requalify(input, objectName(call.input)), call, call.args, ctx);
}

/** Confluent's `FROM t, LATERAL TABLE(ML_PREDICT('model', col, ...))`. */
export function planLateralPredict(call: MlPredictNode, alias: string | undefined, input: Relation, ctx: PlanContext): Relation | undefined {
  const rel = appendPredict(input, call, call.args, ctx);
  if (!rel || alias === undefined) return rel;
  const width = input.columns.length;
  return { ...rel, columns: rel.columns.map((c, i) => (i >= width ? { ...c, qualifiers: [alias] } : c)) };
}

/**
 * Scalar `ML_PREDICT(model, col)` in a select list (seed 002): each call becomes a predict
 * stage whose first OUTPUT column is appended as a hidden column the call then stands for.
 */
export function planScalarPredicts(
  select: SelectNode,
  rel: Relation,
  ctx: PlanContext,
): { relation: Relation; resolve: (node: MlPredictNode) => { index: number; type: DataType } | undefined } | undefined {
  const calls = select.items.flatMap((it) => (it.kind === 'SelectItemNode' ? findScalarPredicts(it.expr) : []));
  const slots = new Map<MlPredictNode, { index: number; type: DataType }>();
  let out = rel;
  for (const call of calls) {
    const next = appendPredict(out, call, call.args, ctx);
    if (!next) return undefined;
    const model = (next.stages.at(-1) as { model: ModelEntry }).model;
    if (model.outputs.length !== 1) {
      ctx.sink.error('PD2015', `ML_PREDICT used as a scalar needs a model with one OUTPUT column; '${model.name}' has ${model.outputs.length}`, call.span);
      return undefined;
    }
    const index = next.columns.length - 1;
    slots.set(call, { index, type: next.columns[index]!.type });
    out = { ...next, columns: next.columns.map((c, i) => (i === index ? { ...c, hidden: true } : c)) };
  }
  return { relation: out, resolve: (node) => slots.get(node) };
}

function findScalarPredicts(e: Expr): MlPredictNode[] {
  if (e.kind === 'MlPredictNode') return [e];
  const found: MlPredictNode[] = [];
  for (const v of Object.values(e)) {
    if (v && typeof v === 'object' && 'kind' in v && typeof v.kind === 'string' && v.kind.endsWith('Node') && 'span' in v) found.push(...findScalarPredicts(v as Expr));
    else if (Array.isArray(v)) for (const x of v) if (x && typeof x === 'object' && 'span' in x) found.push(...findScalarPredicts(x as Expr));
  }
  return found;
}

function appendPredict(input: Relation, call: MlPredictNode, args: readonly Expr[], ctx: PlanContext): Relation | undefined {
  const name = objectName(call.model).replace(/\$(\d+|latest|all)$/i, '');
  const model = ctx.catalog.model(name);
  if (!model) {
    unknown(ctx.catalog, 'model', name, call.model, ctx.sink);
    return undefined;
  }
  if (args.length !== model.inputs.length) {
    ctx.sink.error('PD2013', `Number of input descriptor columns (${args.length}) does not match model input size (${model.inputs.length}) of model '${model.name}'`, call.span);
    return undefined;
  }
  const scope = scopeOf(input);
  const inputs: CompiledExpr[] = [];
  const before = ctx.sink.count;
  for (const [i, arg] of args.entries()) {
    const compiled = compileExpr(arg, scope, ctx.sink.items);
    if (!compiled) continue;
    const want = model.inputs[i]!.type;
    if (!canImplicitlyCast(compiled.type, want)) {
      ctx.sink.error('PD2014', `${printExpr(arg)} is ${formatType(compiled.type)}, which cannot be cast to ${formatType(want)} (input '${model.inputs[i]!.name}' of model '${model.name}')`, arg.span);
      continue;
    }
    const cast = castOf(compiled.type, want);
    inputs.push({ type: want, constant: compiled.constant, evaluate: (row) => cast(compiled.evaluate(row)) });
  }
  const config = asyncCallConfig(call.config, call.span, ctx, ML_PREDICT_CALL);
  if (ctx.sink.count > before || !config) return undefined;
  const taken = new Set(input.columns.map((c) => c.name));
  const outputs: RelColumn[] = model.outputs.map((o) => {
    let n = o.name;
    for (let k = 0; taken.has(n); k++) n = `${o.name}${k}`;
    taken.add(n);
    return { name: n, type: o.type, qualifiers: [], span: call.span };
  });
  const description =
    `${model.name} (${model.definition.provider}) on ${args.map((a) => printExpr(a)).join(', ')} -> ${outputs.map((o) => `${o.name} ${formatType(o.type)}`).join(', ')}` +
    ` [max-concurrent-operations=${config.maxConcurrent}, output-mode=${config.ordered ? 'ORDERED' : 'ALLOW_UNORDERED'}, timeout=${formatDuration(config.timeoutMs)}]`;
  return withStage(input, { kind: 'predict', model, inputs, config, description }, [...input.columns, ...outputs]);
}

/** The CONFIG map, falling back to `SET 'table.exec.async-ml-predict.*'` (or `async-vector-search`), then Flink's defaults. */
export function asyncCallConfig(map: MapConstructorNode | null, at: Span, ctx: PlanContext, kind: AsyncCallKind): PredictConfig | undefined {
  const settings = ctx.catalog.settings;
  const CONFIG_KEYS = kind.keys;
  const SESSION_KEYS = {
    maxConcurrent: `${kind.sessionPrefix}.max-concurrent-operations`,
    outputMode: `${kind.sessionPrefix}.output-mode`,
    timeout: `${kind.sessionPrefix}.timeout`,
  };
  const given = new Map<string, { value: string; span: Span }>();
  const entries = map?.entries ?? [];
  for (let i = 0; i + 1 < entries.length; i += 2) {
    const k = literal(entries[i]!);
    const v = literal(entries[i + 1]!);
    if (k === undefined || v === undefined) {
      ctx.sink.error(kind.code, `${kind.fn} CONFIG entries must be string literals`, entries[i]!.span);
      return undefined;
    }
    if (!CONFIG_KEYS.includes(k)) {
      const hint = closestMatch(k, CONFIG_KEYS);
      ctx.sink.error(kind.code, `unknown ${kind.fn} CONFIG key '${k}'${hint ? `; did you mean '${hint}'?` : ''}`, entries[i]!.span);
      return undefined;
    }
    given.set(k, { value: v, span: entries[i + 1]!.span });
  }
  if (entries.length % 2 === 1) {
    ctx.sink.error(kind.code, `${kind.fn} CONFIG needs key/value pairs`, entries.at(-1)!.span);
    return undefined;
  }
  type Setting = { value: string; span: Span; from?: string };
  const pick = (keys: string[], session: string): Setting | undefined => {
    for (const k of keys) if (given.has(k)) return given.get(k)!;
    const s = settings.get(session);
    // A bad SET value is reported at the ML_PREDICT call that uses it.
    return s === undefined ? undefined : { value: s, span: at, from: session };
  };
  const bad = (setting: Setting, msg: string) => {
    ctx.sink.error(kind.code, `${msg}${setting.from ? ` (from SET '${setting.from}')` : ''}`, setting.span);
    return undefined;
  };
  for (const key of ['async', 'async_enabled']) {
    const flag = given.get(key);
    if (flag && !/^(true|false)$/i.test(flag.value)) return bad(flag, `${key} must be 'true' or 'false', got '${flag.value}'`);
  }
  const conc = pick(['max-concurrent-operations', 'max_parallelism'], SESSION_KEYS.maxConcurrent);
  const maxConcurrent = conc ? Number(conc.value) : DEFAULTS.maxConcurrent;
  if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) return bad(conc!, `max-concurrent-operations must be a positive integer, got '${conc!.value}'`);
  const mode = pick(['output-mode'], SESSION_KEYS.outputMode);
  const modeValue = mode?.value.toUpperCase() ?? 'ORDERED';
  if (modeValue !== 'ORDERED' && modeValue !== 'ALLOW_UNORDERED') return bad(mode!, `output-mode must be ORDERED or ALLOW_UNORDERED, got '${mode!.value}'`);
  // Confluent's client_timeout is a number of seconds; a CONFIG key wins over SET.
  const clientTimeout = given.get('client_timeout');
  const timeout =
    given.get('timeout') ??
    (clientTimeout ? { ...clientTimeout, value: /^\s*\d+(\.\d+)?\s*$/.test(clientTimeout.value) ? `${clientTimeout.value.trim()} s` : clientTimeout.value } : undefined) ??
    pick([], SESSION_KEYS.timeout);
  const timeoutMs = timeout ? parseDuration(timeout.value) : DEFAULTS.timeoutMs;
  if (timeoutMs === undefined || timeoutMs <= 0) return bad(timeout!, `timeout must be a duration such as '30 s' or '3 min', got '${timeout!.value}'`);
  return { maxConcurrent, ordered: modeValue === 'ORDERED', timeoutMs };
}

/** Milliseconds as Flink writes durations: '3 min', '30 s', '500 ms'. */
export function formatDuration(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}

export function literal(e: Expr): string | undefined {
  if (e.kind === 'StringLiteralNode') return e.value;
  if (e.kind === 'NumberLiteralNode') return e.value;
  if (e.kind === 'BooleanLiteralNode') return String(e.value);
  if (e.kind === 'CastNode') return literal(e.operand);
  return undefined;
}
