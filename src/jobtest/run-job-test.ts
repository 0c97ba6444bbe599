import { readFile } from 'node:fs/promises';
import type { ModelEntry, TableEntry } from '../catalog/catalog-entries.js';
import { bindPipeline } from '../daemon/bind-pipeline.js';
import { compileJob, redactSecretOptions } from '../daemon/compile-job.js';
import { loadDaemonConfig } from '../daemon/daemon-config.js';
import { createDefaultRegistry } from '../daemon/default-registry.js';
import { leafSources, mapLeafSources, type PipelinePlan } from '../planner/pipeline-plan.js';
import type { ScriptPlan } from '../planner/plan-script.js';
import { bindModel, LimiterRegistry, modelSpecFor } from '../providers/index.js';
import { Pipeline } from '../runtime/pipeline.js';
import { valuesSource } from '../runtime/values-source.js';
import type { ConnectorFactory } from '../spi/connector.js';
import { closestMatch } from '../spi/did-you-mean.js';
import type { Logger } from '../spi/logger.js';
import type { ModelFunction } from '../spi/model-provider.js';
import type { Sink } from '../spi/sink.js';
import type { Source } from '../spi/source.js';
import type { Column, Row } from '../types/data-type.js';
import { collectingLogger } from './collecting-logger.js';
import { fixtureSearchConnector } from './fixture-vector-search.js';
import type { JsonRows } from './json-lines.js';
import { mockProvider, NO_ANSWER, type MockLog } from './mock-model.js';
import { RowCodec } from './row-codec.js';
import { differs, diffRows, type DiffLine } from './row-diff.js';
import { definitionFileFor, loadTestDefinition, type TestDefinition } from './test-definition.js';
import { ProblemList } from './test-problems.js';

/** Providers that answer in-process. Every other provider calls the network, which a test never does. */
const OFFLINE_PROVIDERS: readonly string[] = ['local'];
/** Tables declared without WITH are Kafka topics of this cluster; a test replaces them with fixtures and never connects. */
const NO_BROKER = 'predictd-test.invalid:9092';
const DEFAULT_TIMEOUT_MS = 60_000;

export interface RunJobTestOptions {
  /** The test definition; by default JOB.test.json next to the job file. */
  readonly definitionFile?: string;
  /** The whole run, model calls and rate-limit waits included; the test fails when it runs out. */
  readonly timeoutMs?: number;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface SinkResult {
  /** The table (or `SELECT` for a bare SELECT's rows). */
  readonly table: string;
  readonly expected: number;
  readonly actual: number;
  readonly diff: readonly DiffLine[];
  readonly ok: boolean;
}

export interface JobTestResult {
  readonly job: string;
  readonly definition: string;
  readonly description: string | undefined;
  readonly ordered: boolean;
  readonly sinks: readonly SinkResult[];
  /** Why the job did not finish: a pipeline failed, or the run timed out. */
  readonly failure: string | undefined;
  /** Inputs a mocked model got without an answer: the test fails, whatever the model's error strategy did with the row. */
  readonly unanswered: readonly string[];
  /** Warnings and errors the run logged (rows dropped by the error strategy). */
  readonly notes: readonly string[];
  readonly ok: boolean;
}

/** What the job reads, writes and calls, taken from its plan. */
interface JobShape {
  readonly sources: Map<string, TableEntry>;
  /** Sink name -> the columns each pipeline writes to it. */
  readonly sinks: Map<string, readonly Column[]>;
  readonly models: Map<string, ModelEntry>;
}

/** A test ready to run: fixtures decoded, expectations canonical, mocks built. */
interface PreparedTest {
  readonly fixtures: Map<string, Row[]>;
  readonly expected: Map<string, { codec: RowCodec; rows: string[] }>;
  readonly mocks: Map<string, ReturnType<typeof mockProvider>>;
}

/**
 * `predictd test`: compiles the job as the daemon does, runs every pipeline in-process with each
 * table it reads replaced by fixture rows and each table it writes by a capturing sink, and
 * compares what the sinks received with the expected rows. Models run on their own provider when
 * it is offline (`local`), else on mocked answers: no broker, no network.
 *
 * Throws DiagnosticsError when the job does not compile and TestDefinitionError when the test
 * cannot run as defined (both with file:line:col).
 */
export async function runJobTest(jobFile: string, opts: RunJobTestOptions = {}): Promise<JobTestResult> {
  const source = await readFile(jobFile, 'utf8');
  const registry = createDefaultRegistry();
  const plan = compileJob(jobFile, source, { registry, modelSpec: modelSpecFor, defaultKafkaBootstrap: NO_BROKER });
  const problems = new ProblemList();
  const definition = await loadTestDefinition(opts.definitionFile ?? definitionFileFor(jobFile), problems);
  if (!definition) problems.throwIfAny();
  const shape = shapeOf(plan);
  const mockLog: MockLog = { unanswered: [] };
  // Problems quoting the job file quote it as the daemon does: credential values blanked.
  const prepared = prepare(shape, definition!, { file: jobFile, source: redactSecretOptions(source) }, problems, mockLog);
  problems.throwIfAny();

  const { log, notes } = collectingLogger();
  const captured = new Map<string, Row[]>([...shape.sinks.keys()].map((name) => [name, []]));
  const failure = await execute(plan, prepared, captured, log, opts);
  const sinks = [...prepared.expected].map(([table, { codec, rows }]): SinkResult => {
    const actual = captured.get(table)!.map((row) => codec.canonical(row));
    const diff = diffRows(rows, actual, definition!.ordered);
    return { table, expected: rows.length, actual: actual.length, diff, ok: !differs(diff) };
  });
  const unanswered = [...new Set(mockLog.unanswered)];
  return {
    job: jobFile,
    definition: definition!.file,
    description: definition!.description,
    ordered: definition!.ordered,
    sinks,
    failure,
    unanswered,
    notes: [...new Set(notes.filter((n) => !repeats(n, failure)))],
    ok: failure === undefined && unanswered.length === 0 && sinks.every((s) => s.ok),
  };
}

/** A log line that only says again what the report already shows: the failure, or an input without an answer. */
function repeats(note: string, failure: string | undefined): boolean {
  const cause = note.slice(note.lastIndexOf(': ') + 2);
  if (failure !== undefined && note.includes(': ') && failure.endsWith(cause)) return true;
  return note.includes(NO_ANSWER);
}

function shapeOf(plan: ScriptPlan): JobShape {
  const shape: JobShape = { sources: new Map(), sinks: new Map(), models: new Map() };
  let selects = 0;
  for (const p of plan.pipelines) {
    for (const leaf of leafSources(p.source)) if (leaf.kind === 'table') shape.sources.set(leaf.table.name, leaf.table);
    shape.sinks.set(sinkName(p, p.sink.kind === 'print' ? ++selects : 0), p.outputColumns);
    for (const stage of p.stages) {
      if (stage.kind === 'predict') shape.models.set(stage.model.name, stage.model);
      // A searched table is given as fixture rows too, searched in memory (fixture-vector-search.ts).
      if (stage.kind === 'search') shape.sources.set(stage.table.name, stage.table);
    }
  }
  return shape;
}

/** A table's name; bare SELECTs are `SELECT`, `SELECT 2`, ... in file order. */
function sinkName(p: PipelinePlan, select: number): string {
  if (p.sink.kind === 'table') return p.sink.table.name;
  return select > 1 ? `SELECT ${select}` : 'SELECT';
}

/** Matches the definition against the job: every name known, every source fed, every sink checked, no model on the network. */
function prepare(shape: JobShape, def: TestDefinition, job: { file: string; source: string }, problems: ProblemList, mockLog: MockLog): PreparedTest {
  checkNames(def, 'inputs', def.inputs, [...shape.sources.keys()], 'read', problems);
  checkNames(def, 'expected', def.expected, [...shape.sinks.keys()], 'write', problems);
  checkNames(def, 'models', def.models, [...shape.models.keys()], 'call', problems);
  for (const name of shape.sources.keys()) {
    if (!def.inputs.has(name)) problems.addAt(def.file, def.source, 'PD5102', `the job reads table '${name}': give its fixture rows in "inputs": {"${name}": "<rows>.jsonl"} (or [] for none)`, def.offsetOf('inputs'), 8);
  }
  for (const name of shape.sinks.keys()) {
    if (!def.expected.has(name)) problems.addAt(def.file, def.source, 'PD5102', `the job writes ${name === 'SELECT' ? 'the rows of a SELECT' : `table '${name}'`}: give the rows it must receive in "expected": {"${name}": "<rows>.jsonl"} (or [] for none)`, def.offsetOf('expected'), 10);
  }
  for (const [name, model] of shape.models) {
    if (def.models.has(name) || OFFLINE_PROVIDERS.includes(model.definition.provider)) continue;
    problems.add(
      job.file,
      job.source,
      'PD5104',
      `model '${name}' uses provider '${model.definition.provider}', which calls the network, and predictd test never does: give its answers in "models": {"${name}": "<answers>.jsonl"} of ${def.file}`,
      model.node.name.span,
    );
  }
  const fixtures = new Map<string, Row[]>();
  for (const [name, table] of shape.sources) {
    const rows = def.inputs.get(name);
    if (rows) fixtures.set(name, readRows(new RowCodec(table.definition.columns), rows, `table '${name}'`, problems, false));
  }
  const expected = new Map<string, { codec: RowCodec; rows: string[] }>();
  for (const [name, columns] of shape.sinks) {
    const rows = def.expected.get(name);
    if (!rows) continue;
    const codec = new RowCodec(columns);
    expected.set(name, { codec, rows: readRows(codec, rows, `expected row of '${name}'`, problems, true).map((r) => codec.canonical(r)) });
  }
  const mocks = new Map<string, ReturnType<typeof mockProvider>>();
  for (const [name, answers] of def.models) {
    const model = shape.models.get(name);
    if (model) mocks.set(name, mockProvider(model, answers, problems, mockLog));
  }
  return { fixtures, expected, mocks };
}

function checkNames(def: TestDefinition, field: string, given: ReadonlyMap<string, JsonRows>, known: readonly string[], verb: string, problems: ProblemList): void {
  for (const name of given.keys()) {
    if (known.includes(name)) continue;
    const hint = closestMatch(name, known);
    const what = field === 'models' ? 'model' : 'table';
    const list = known.length > 0 ? known.join(', ') : 'none';
    problems.addAt(def.file, def.source, 'PD5102', `the job does not ${verb} a ${what} '${name}'${hint ? `; did you mean '${hint}'?` : ''} (it ${verb}s: ${list})`, def.offsetOf(field, name), name.length + 2);
  }
}

function readRows(codec: RowCodec, rows: JsonRows, what: string, problems: ProblemList, complete: boolean): Row[] {
  const out: Row[] = [];
  for (const entry of rows.entries) {
    const row = codec.read(entry, rows, what, problems, complete);
    if (row) out.push(row);
  }
  return out;
}

/**
 * Binds and runs every pipeline as the daemon would, each table's connector swapped for a fixture
 * source or a capturing sink. Resolves with why the job did not finish, or undefined.
 */
async function execute(
  plan: ScriptPlan,
  prepared: PreparedTest,
  captured: Map<string, Row[]>,
  log: Logger,
  opts: RunJobTestOptions,
): Promise<string | undefined> {
  const pipelineConfig = loadDaemonConfig({ env: {} }).pipeline;
  const env = opts.env ?? process.env;
  const limiters = new LimiterRegistry({ log });
  const registry = createDefaultRegistry();
  const models = new Map<ModelEntry, ModelFunction>();
  const modelFor = (entry: ModelEntry): ModelFunction => {
    let fn = models.get(entry);
    if (!fn) {
      const provider = prepared.mocks.get(entry.name) ?? entry.provider;
      // No `${...}` is resolved here: mocked models and fixture tables never read their credentials.
      fn = bindModel(provider, entry.definition, { limiters, log });
      models.set(entry, fn);
    }
    const shared = fn;
    // Pipelines close their models when they end; the test closes each once, after all of them.
    return { predict: (inputs, o) => shared.predict(inputs, o), close: async () => {} };
  };
  const pipelines: Pipeline[] = [];
  let selects = 0;
  let failure: string | undefined;
  try {
    for (const p of plan.pipelines) {
      const sink = captureSink(captured.get(sinkName(p, p.sink.kind === 'print' ? ++selects : 0))!);
      const swapped = swapConnectors(p, prepared.fixtures, sink);
      const bound = bindPipeline(swapped, {
        connector: { jobId: 'test', log, env, registry },
        model: modelFor,
        pipeline: pipelineConfig,
        printSink: () => sink,
      });
      pipelines.push(Pipeline.create(bound, log.child({ pipeline: p.name })));
    }
    failure = await runAll(pipelines, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  } catch (err) {
    failure = err instanceof Error ? err.message : String(err);
    await Promise.all(pipelines.map((p) => p.stop(0)));
  } finally {
    await Promise.all([...models.values()].map((m) => m.close().catch(() => {})));
    await limiters.close();
  }
  return failure;
}

/** Starts every pipeline and waits for all of them to end (bounded: fixture sources end). */
async function runAll(pipelines: readonly Pipeline[], timeoutMs: number): Promise<string | undefined> {
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    for (const p of pipelines) void p.stop(0);
  }, timeoutMs);
  try {
    await Promise.all(pipelines.map((p) => p.start()));
  } finally {
    clearTimeout(timer);
  }
  if (timedOut) return `the job did not finish within ${timeoutMs / 1000} s (rate limits and model timeouts apply as declared)`;
  const failed = pipelines.find((p) => p.state === 'FAILED');
  return failed ? `the job failed: ${failed.failure?.message ?? 'a pipeline failed'}` : undefined;
}

/** The plan with the tables' connectors replaced: fixture rows in, captured rows out. */
function swapConnectors(p: PipelinePlan, fixtures: Map<string, Row[]>, sink: Sink): PipelinePlan {
  const source = mapLeafSources(p.source, (leaf) => (leaf.kind === 'table' ? { kind: 'table' as const, table: withConnector(leaf.table, fixtureConnector(leaf.table, fixtures.get(leaf.table.name) ?? [], sink)) } : leaf));
  const target = p.sink.kind === 'table' ? { kind: 'table' as const, table: withConnector(p.sink.table, fixtureConnector(p.sink.table, [], sink)) } : p.sink;
  const stages = p.stages.map((s) => (s.kind === 'search' ? { ...s, table: withConnector(s.table, fixtureSearchConnector(s.table, fixtures.get(s.table.name) ?? [])) } : s));
  return { ...p, source, stages, sink: target };
}

function withConnector(table: TableEntry, connector: ConnectorFactory): TableEntry {
  return { ...table, connector };
}

function fixtureConnector(table: TableEntry, rows: readonly Row[], sink: Sink): ConnectorFactory {
  return {
    name: 'fixture',
    summary: `fixture rows in place of table '${table.name}'`,
    spec: { options: [] },
    createSource: () => fixtureSource(table, rows),
    createSink: () => sink,
  };
}

/** The fixture rows, with the table's `errors.tolerance` so decode-free failures route as they would. */
function fixtureSource(table: TableEntry, rows: readonly Row[]): Source {
  const tolerance = table.definition.options.raw['errors.tolerance'] === 'all' ? 'all' : 'none';
  return Object.assign(valuesSource(rows), { errorTolerance: tolerance } as const);
}

function captureSink(into: Row[]): Sink {
  return {
    async write(rows) {
      for (const row of rows) into.push([...row]);
    },
    async close() {},
  };
}
