import { setMaxListeners } from 'node:events';
import type { Logger } from '../spi/logger.js';
import { RowError } from '../expr/row-error.js';
import type { ErrorTolerance, FailureStage, PartitionProgress, RowFailure as RoutedFailure, SourceRecord, UndecodableRecord } from '../spi/source.js';
import type { Row } from '../types/data-type.js';
import { abortableSleep, fullJitterDelay } from '../util/backoff.js';
import type { ExecutablePipeline, PredictStage } from './executable-pipeline.js';
import { FlowWindow } from './flow-window.js';
import { GateReleasedError, PauseGate } from './pause-gate.js';
import { JobStateMachine, type JobState } from './job-state.js';
import { routeFailure, type FailureCase } from './route-failure.js';
import { DeadLetterFailedError, RowFailedError } from './row-failed-error.js';
import { isPermanentFailure } from '../spi/sink.js';
import { Semaphore } from './semaphore.js';
import { SinkWriter } from './sink-writer.js';
import type { WorkUnit } from './work-unit.js';
import { abortable } from '../spi/abortable.js';
import { NO_OBSERVER, type ValueObserver } from '../spi/metrics.js';
import { AbortRace } from './abort-race.js';

export interface PipelineStats {
  recordsIn: number;
  rowsOut: number;
  /** Rows whose model input was NULL: dropped without a call, as Flink does. */
  nullInputsDropped: number;
  /** Rows dropped by error-handling-strategy IGNORE (or a timeout under IGNORE): failures.predict.dropped, kept for its metric. */
  predictionsDropped: number;
  modelCalls: number;
  sinkRetries: number;
  /** Records that failed for good and were routed, per stage: written to the dead-letter queue, or dropped without one. */
  failures: Record<FailureStage, FailureCounts>;
  /** Dead-letter writes that failed and were retried. */
  deadLetterRetries: number;
}

export interface FailureCounts {
  deadLettered: number;
  dropped: number;
}

const FAILURE_STAGES: readonly FailureStage[] = ['decode', 'transform', 'predict', 'sink'];

export interface PipelineOptions {
  /** Start with the gate closed: the job's target state is PAUSED (it survives restarts and reloads). */
  readonly paused?: boolean;
  /**
   * Seconds from a record's read to the sink's acknowledgement of its rows (the daemon's
   * histogram child for this job and pipeline). Records that end without a sink write
   * (filtered, dropped, dead-lettered) are not observed.
   */
  readonly rowLatency?: ValueObserver;
  /** Milliseconds on a monotonic clock (performance.now() by default). */
  readonly now?: () => number;
}

/** Writes of one record to the dead-letter queue before the job fails (about a minute of backoff in all). */
const DEAD_LETTER_ATTEMPTS = 10;

/** After a failure, how long records already in flight get to be written before the job closes. */
const FAILURE_DRAIN_MS = 30_000;

class RowFailure extends Error {
  override readonly name = 'RowFailure';
}

/** Thrown out of a stage for a row the model's error strategy lets go: the record is routed. */
class RoutedPrediction extends Error {
  override readonly name = 'RoutedPrediction';
  readonly failure: RoutedFailure;

  constructor(failure: RoutedFailure) {
    super(failure.error.message, { cause: failure.error });
    this.failure = failure;
  }
}

/**
 * Runs one ExecutablePipeline: reads records, sends each through the stages with bounded
 * concurrency, writes rows to the sink and acks records only after their rows are written.
 */
export class Pipeline {
  readonly #p: ExecutablePipeline;
  readonly #log: Logger;
  readonly #rowLatency: ValueObserver;
  readonly #now: () => number;
  readonly #fsm = new JobStateMachine();
  readonly #window: FlowWindow;
  /** Pause / resume (the job's target state): closes the flow to the source and holds rows before their model call. */
  readonly #gate: PauseGate;
  readonly #writer: SinkWriter;
  readonly #permits = new Map<PredictStage, Semaphore>();
  readonly #ordered: boolean;
  /** The source's `errors.tolerance`: decides decode, expression and sink failures (see routeFailure). */
  readonly #tolerance: ErrorTolerance;
  /** Stop reading new records. */
  readonly #readAbort = new AbortController();
  /** Give up in-flight work: model calls and sink retries (hard stop, failure). */
  readonly #workAbort = new AbortController();
  readonly #queue: WorkUnit[] = [];
  /** Model calls in flight, rejected together on a hard stop. */
  readonly #hardStops: AbortRace;
  #seq = 0;
  #failure: Error | undefined;
  #runPromise: Promise<void> | undefined;
  #finished: Promise<JobState> | undefined;
  #closing: Promise<void> | undefined;
  readonly #stats: PipelineStats = {
    recordsIn: 0,
    rowsOut: 0,
    nullInputsDropped: 0,
    predictionsDropped: 0,
    modelCalls: 0,
    sinkRetries: 0,
    failures: Object.fromEntries(FAILURE_STAGES.map((s) => [s, { deadLettered: 0, dropped: 0 }])) as Record<FailureStage, FailureCounts>,
    deadLetterRetries: 0,
  };

  private constructor(p: ExecutablePipeline, log: Logger, opts: PipelineOptions) {
    this.#p = p;
    this.#log = log;
    this.#rowLatency = opts.rowLatency ?? NO_OBSERVER;
    this.#now = opts.now ?? (() => performance.now());
    this.#window = new FlowWindow(p.maxInFlight);
    this.#gate = new PauseGate(opts.paused ?? false);
    // Every call in flight listens on the job's signals: as many listeners as the concurrency.
    setMaxListeners(0, this.#readAbort.signal, this.#workAbort.signal);
    this.#hardStops = new AbortRace(this.#workAbort.signal);
    this.#ordered = p.stages.some((s) => s.kind === 'predict' && s.ordered);
    for (const s of p.stages) if (s.kind === 'predict') this.#permits.set(s, new Semaphore(s.maxConcurrent));
    this.#tolerance = p.source.errorTolerance ?? 'none';
    this.#writer = new SinkWriter(p.sink, {
      ...p.sinkBatch,
      signal: this.#workAbort.signal,
      log,
      // Routed rejections are routed one record at a time: find them by writing the batch unit by unit.
      isolateRejected: routeFailure({ stage: 'sink', tolerance: this.#tolerance }) === 'route',
      onWritten: (unit) => this.#written(unit),
      onFailed: (units, error) => this.#sinkRejected(units, error),
    });
  }

  static create(p: ExecutablePipeline, log: Logger, opts: PipelineOptions = {}): Pipeline {
    return new Pipeline(p, log, opts);
  }

  get paused(): boolean {
    return this.#gate.paused;
  }

  /**
   * Stops reading and holds rows before their model call; calls already made finish and their
   * rows are written (and committed). Takes effect at once: the source sees a full window.
   */
  pause(): void {
    if (this.#gate.paused) return;
    this.#gate.pause();
    this.#log.info({ inFlight: this.#window.inFlight }, 'pipeline paused');
  }

  resume(): void {
    if (!this.#gate.paused) return;
    this.#gate.resume();
    this.#log.info({ inFlight: this.#window.inFlight }, 'pipeline resumed');
  }

  /** The source's input ends by itself (VALUES, datagen with number-of-rows). */
  get bounded(): boolean {
    return this.#p.source.bounded === true;
  }

  /** The source's per-partition progress (committed offset, end offset, lag); empty when it has none. */
  progress(): readonly PartitionProgress[] {
    try {
      return this.#p.source.progress?.() ?? [];
    } catch (err) {
      this.#log.warn({ err }, 'the source could not report its progress');
      return [];
    }
  }

  get state(): JobState {
    return this.#fsm.state;
  }

  /** Counters so far (a copy). */
  get stats(): PipelineStats {
    const failures = Object.fromEntries(FAILURE_STAGES.map((s) => [s, { ...this.#stats.failures[s] }])) as Record<FailureStage, FailureCounts>;
    return { ...this.#stats, failures, predictionsDropped: failures.predict.dropped, sinkRetries: this.#writer.writeRetries };
  }

  get failure(): Error | undefined {
    return this.#failure;
  }

  get inFlight(): number {
    return this.#window.inFlight;
  }

  onStateChange(listener: (state: JobState, previous: JobState) => void): void {
    this.#fsm.onChange(listener);
  }

  /** Starts reading. The returned promise settles with the final state (STOPPED, FINISHED or FAILED). */
  start(): Promise<JobState> {
    if (this.#finished) return this.#finished;
    this.#fsm.transition('RUNNING');
    try {
      // Exactly-once: the sink commits the source's progress with its output (the source then commits nothing itself).
      this.#p.sink.attachSource?.(this.#p.source.transactionalProgress?.());
    } catch (err) {
      this.#finished = this.#fail(asError(err), 'the sink cannot commit the source progress');
      return this.#finished;
    }
    this.#runPromise = this.#p.source.run({
      signal: this.#readAbort.signal,
      flow: this.#gate.flowControl(this.#window),
      push: (record) => this.#push(record),
      pushUndecodable: (record, error) => this.#pushUndecodable(record, error),
      log: this.#log,
    });
    this.#finished = this.#runPromise.then(
      () => this.#onInputEnded(),
      (err: unknown) => this.#fail(asError(err), 'the source failed'),
    );
    return this.#finished;
  }

  /**
   * Graceful stop under one deadline: stop reading, let in-flight records finish and be
   * written, commit, close. What is still in flight at the deadline is abandoned unacked
   * (it is read again on the next start).
   */
  async stop(deadlineMs: number): Promise<JobState> {
    if (this.#fsm.state === 'CREATED') {
      this.#fsm.transition('STOPPED');
      await this.#closeAll();
      return 'STOPPED';
    }
    if (this.#fsm.state === 'RUNNING') this.#fsm.transition('STOPPING');
    this.#readAbort.abort(new Error('stopping'));
    // Rows held by a pause are not started now: they stay unacked and are read again on the next start.
    this.#gate.release();
    const deadline = AbortSignal.timeout(Math.max(0, deadlineMs));
    await this.#drain(deadline);
    return this.#finished!;
  }

  #push(record: SourceRecord): void {
    this.#stats.recordsIn++;
    this.#window.admit();
    const unit: WorkUnit = { seq: this.#seq++, record, rows: [record.row], ready: false, readAt: this.#now() };
    if (this.#ordered) this.#queue.push(unit);
    void this.#process(unit);
  }

  /** Never enters the ORDERED queue: it has no row to keep in order. */
  #pushUndecodable(record: UndecodableRecord, error: Error): void {
    this.#stats.recordsIn++;
    this.#window.admit();
    const asRecord: SourceRecord = {
      row: [],
      ack: () => record.ack(),
      nack: (err) => record.nack(err),
      ...(record.deadLetter ? { deadLetter: (failure: RoutedFailure) => record.deadLetter!(failure) } : {}),
    };
    const unit: WorkUnit = { seq: this.#seq++, record: asRecord, rows: [], ready: false, readAt: this.#now() };
    this.#rowFailed(unit, { stage: 'decode', tolerance: this.#tolerance }, error);
  }

  async #process(unit: WorkUnit): Promise<void> {
    try {
      for (const stage of this.#p.stages) {
        if (unit.rows.length === 0) break;
        // A record is one row until a transform fans it out: no per-record arrays and Promise.all for the common case.
        const rows = unit.rows;
        if (stage.kind === 'transform') {
          unit.rows = rows.length === 1 ? stage.apply(rows[0]!) : rows.flatMap((row) => stage.apply(row));
        } else {
          unit.rows = rows.length === 1 ? await this.#predict(stage, rows[0]!) : (await Promise.all(rows.map((row) => this.#predict(stage, row)))).flat();
        }
      }
    } catch (err) {
      if (this.#workAbort.signal.aborted) return; // hard stop: leave it unacked
      if (err instanceof GateReleasedError) {
        this.#abandon(unit);
        return;
      }
      if (err instanceof RoutedPrediction) {
        void this.#route(unit, err.failure);
        return;
      }
      if (err instanceof RowError) {
        // An expression (filter, projection, CAST to the model's input types) failed for this row.
        this.#rowFailed(unit, { stage: 'transform', tolerance: this.#tolerance }, err);
        return;
      }
      this.#settle(unit, 'nack', asError(err));
      void this.#fail(asError(err), `record ${unit.seq} failed`);
      return;
    }
    unit.ready = true;
    this.#emit(unit);
  }

  async #predict(stage: PredictStage, row: Row): Promise<Row[]> {
    const inputs = stage.inputs(row);
    if (inputs.some((v) => v === null)) {
      this.#stats.nullInputsDropped++;
      return [];
    }
    const permits = this.#permits.get(stage)!;
    const signal = this.#workAbort.signal;
    // A row that got its permit after a pause began waits at the gate again: no call starts while
    // paused. Neither step costs a promise hop when the gate is open and a slot is free.
    for (;;) {
      if (this.#gate.paused) await this.#gate.pass(signal);
      if (!permits.tryAcquire()) await permits.acquire(signal);
      if (!this.#gate.paused) break;
      permits.release();
    }
    // The model function applies the per-row timeout and its error strategy (time spent waiting
    // for quota does not count: throttling is backpressure), so the only abort here is a hard stop.
    try {
      this.#stats.modelCalls++;
      // The race keeps a hard stop prompt even for a model function that ignores its signal.
      const outcome = await this.#hardStops.race(stage.model.predict(inputs, { signal, timeoutMs: stage.timeoutMs }));
      if (outcome.ok) return outcome.rows.map((out) => stage.combine(row, out));
      const decision = routeFailure({ stage: 'predict', action: outcome.action, fault: outcome.fault ?? 'service', tolerance: this.#tolerance });
      if (decision === 'route') throw this.#ignoredPrediction(stage, outcome.error);
      throw new RowFailure(`model '${stage.modelName}' failed: ${outcome.error.message}`, { cause: outcome.error });
    } finally {
      permits.release();
    }
  }

  /** Hands finished units to the sink: in arrival order when output-mode is ORDERED. */
  #emit(unit: WorkUnit): void {
    if (!this.#ordered) {
      this.#toSink(unit);
      return;
    }
    this.#flushReadyHead();
  }

  #flushReadyHead(): void {
    while (this.#queue.length > 0 && this.#queue[0]!.ready) this.#toSink(this.#queue.shift()!);
  }

  #toSink(unit: WorkUnit): void {
    if (unit.rows.length === 0) {
      this.#settle(unit, 'ack');
      return;
    }
    this.#stats.rowsOut += unit.rows.length;
    this.#writer.add(unit);
    // Everything in flight is waiting for the sink: no more rows can come until a write
    // settles them, so lingering for a fuller batch would only stall the pipeline.
    if (this.#writer.heldUnits >= this.#window.inFlight) this.#writer.flushNow();
  }

  /** The sink acknowledged the unit's rows: the end of its end-to-end latency. */
  #written(unit: WorkUnit): void {
    this.#rowLatency.observe((this.#now() - unit.readAt) / 1000);
    this.#settle(unit, 'ack');
  }

  #settle(unit: WorkUnit, how: 'ack' | 'nack', err?: Error): void {
    if (how === 'ack') unit.record.ack();
    else unit.record.nack(err ?? new Error('failed'));
    this.#dequeue(unit);
    this.#window.settle();
  }

  /** A unit held by a pause when the pipeline stopped: out of the window, neither acked nor nacked (read again on the next start). */
  #abandon(unit: WorkUnit): void {
    this.#dequeue(unit);
    this.#window.settle();
  }

  /** Takes a unit out of the ORDERED queue: a failed or routed head must not hold back the finished units behind it. */
  #dequeue(unit: WorkUnit): void {
    if (!this.#ordered) return;
    const i = this.#queue.indexOf(unit);
    if (i < 0) return;
    this.#queue.splice(i, 1);
    if (i === 0) this.#flushReadyHead();
  }

  /** The model's strategy let the row go ('ignore'): the record is routed (see #process). */
  #ignoredPrediction(stage: PredictStage, error: Error): RoutedPrediction {
    const httpStatus = httpStatusOf(error);
    return new RoutedPrediction({ stage: 'predict', error, model: stage.modelName, ...(httpStatus !== undefined ? { httpStatus } : {}) });
  }

  /** A record failed for good outside the model: fail the job or route it, as routeFailure decides. */
  #rowFailed(unit: WorkUnit, decision: Exclude<FailureCase, { stage: 'predict' }>, error: Error): void {
    if (routeFailure(decision) === 'route') {
      void this.#route(unit, { stage: decision.stage, error });
      return;
    }
    const failed = new RowFailedError(decision.stage, error);
    this.#settle(unit, 'nack', failed);
    void this.#fail(failed, `record ${unit.seq} failed at stage '${decision.stage}'`);
  }

  #sinkRejected(units: readonly WorkUnit[], error: Error): void {
    for (const unit of units) this.#rowFailed(unit, { stage: 'sink', tolerance: this.#tolerance }, error);
  }

  /**
   * Routes a record that failed for good: to the dead-letter queue when its source has one
   * (acked only once the queue acknowledged the write, retried with backoff until then), else
   * dropped with a warning. Either way it is counted, and it leaves the ORDERED queue at once.
   */
  async #route(unit: WorkUnit, failure: RoutedFailure): Promise<void> {
    this.#dequeue(unit);
    const counts = this.#stats.failures[failure.stage];
    const where = { jobId: this.#p.jobId, pipeline: this.#p.name, stage: failure.stage, ...(failure.model ? { model: failure.model } : {}) };
    const deadLetter = unit.record.deadLetter?.bind(unit.record);
    if (!deadLetter) {
      counts.dropped++;
      this.#log.warn({ code: 'PD4102', ...where, err: failure.error.message }, 'row failed; dropped (no dead-letter queue)');
      this.#settle(unit, 'ack');
      return;
    }
    const signal = this.#workAbort.signal;
    for (let attempt = 1; ; attempt++) {
      try {
        await abortable(deadLetter(failure), signal);
        break;
      } catch (err) {
        if (signal.aborted) return; // hard stop: left unacked, read again on the next start
        if (isPermanentFailure(err) || attempt >= DEAD_LETTER_ATTEMPTS) {
          // Retrying for ever would hold every later offset of the partition uncommitted while the job looks healthy.
          const failed = new DeadLetterFailedError(failure.stage, attempt, asError(err));
          this.#settle(unit, 'nack', failed);
          void this.#fail(failed, `record ${unit.seq} could not be dead-lettered`);
          return;
        }
        this.#stats.deadLetterRetries++;
        const delay = fullJitterDelay(attempt - 1, 100, 30_000);
        this.#log.warn({ code: 'PD4103', ...where, err, attempt, retryInMs: delay }, 'dead-letter write failed; retrying');
        try {
          await abortableSleep(delay, signal);
        } catch {
          return;
        }
      }
    }
    counts.deadLettered++;
    this.#settle(unit, 'ack');
  }

  async #onInputEnded(): Promise<JobState> {
    await this.#drain(this.#workAbort.signal);
    return this.#endState();
  }

  async #drain(deadline: AbortSignal): Promise<void> {
    await this.#runPromise?.catch(() => {});
    await this.#window.empty(AbortSignal.any([deadline, this.#workAbort.signal]));
    if (this.#window.inFlight > 0) {
      this.#log.warn({ inFlight: this.#window.inFlight }, 'stop deadline reached; abandoning in-flight records (they will be read again)');
      this.#workAbort.abort(new Error('stop deadline reached'));
    }
    await this.#closeAll();
  }

  #closeAll(): Promise<void> {
    this.#closing ??= (async () => {
      for (const step of [() => this.#p.source.close(), () => this.#p.sink.close(), ...this.#models().map((m) => () => m.close())]) {
        try {
          await step();
        } catch (err) {
          this.#log.error({ err }, 'error while closing the pipeline');
        }
      }
    })();
    return this.#closing;
  }

  #models() {
    return [...new Set(this.#p.stages.flatMap((s) => (s.kind === 'predict' ? [s.model] : [])))];
  }

  #endState(): JobState {
    const s = this.#fsm.state;
    if (this.#failure) {
      if (s !== 'FAILED') this.#fsm.transition('FAILED');
    } else if (s === 'RUNNING') {
      this.#fsm.transition('FINISHED');
    } else if (s === 'STOPPING') {
      this.#fsm.transition('STOPPED');
    }
    return this.#fsm.state;
  }

  async #fail(err: Error, context: string): Promise<JobState> {
    if (!this.#failure) {
      this.#failure = err;
      this.#log.error({ err }, `job failed: ${context}; nothing past the failed record is committed`);
      this.#readAbort.abort(err);
      this.#gate.release();
      await this.#drain(AbortSignal.timeout(FAILURE_DRAIN_MS));
    }
    return this.#endState();
  }
}


/** The HTTP status of a failed model call: on the error or on an error in its cause chain. */
function httpStatusOf(err: unknown): number | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    const status = (e as { status?: unknown }).status;
    if (typeof status === 'number') return status;
  }
  return undefined;
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
