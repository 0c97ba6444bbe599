import type { ErrorTolerance, FlowControl, PartitionProgress, Source, SourceContext, SourceRecord, UndecodableRecord } from '../spi/source.js';
import type { Row } from '../types/data-type.js';
import type { TransformStage } from './executable-pipeline.js';

/**
 * UNION ALL's inputs as one source: every input runs side by side on the pipeline's one flow
 * window, and each record keeps its own ack, nack and dead-letter route, so every input commits
 * its own offsets. A record's row goes on with its input's index in front; `unionStage` reads it.
 * `maxInFlight` is the pipeline's window: while another input waits for room, an input holding
 * its share of it (maxInFlight / inputs) or more reads no further (FairFlow), so a busy input
 * cannot starve a slower one; alone, an input may fill the whole window. With a model the window
 * is twice its concurrency, so two inputs' shares still keep every model slot busy.
 */
export function unionSource(inputs: readonly Source[], maxInFlight: number): Source {
  let closing: Promise<void> | undefined;
  const share = Math.max(1, Math.ceil(maxInFlight / Math.max(1, inputs.length)));
  return {
    errorTolerance: unionTolerance(inputs),
    bounded: inputs.every((s) => s.bounded === true),
    async run(ctx: SourceContext) {
      const fair = new FairFlow(ctx.flow, inputs.length, share);
      // Every input's run settles before this one does: the pipeline closes the inputs only after.
      const runs = await Promise.allSettled(
        inputs.map((input, i) =>
          input
            .run({
              ...ctx,
              flow: fair.flowFor(i),
              push: (record) => ctx.push(fair.track(tagged(record, i), i)),
              pushUndecodable: (record, error) => ctx.pushUndecodable(fair.track(untagged(record), i), error),
            })
            .finally(() => fair.ended(i)),
        ),
      );
      const failed = runs.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
    close() {
      closing ??= (async () => {
        const results = await Promise.allSettled(inputs.map((s) => s.close()));
        const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) throw failed.reason;
      })();
      return closing;
    },
    progress: (): PartitionProgress[] => inputs.flatMap((s) => s.progress?.() ?? []),
  };
}

/**
 * The pipeline has one `errors.tolerance`: 'all' (route failed rows) only when every input says
 * so, else 'none' (fail the job), the safe side for an input whose owner did not ask for routing.
 */
function unionTolerance(inputs: readonly Source[]): ErrorTolerance {
  return inputs.every((s) => s.errorTolerance === 'all') ? 'all' : 'none';
}

function tagged(record: SourceRecord, input: number): SourceRecord {
  return { ...untagged(record), row: [input, ...record.row] };
}

/** A record's callbacks, bound to it (a connector's record may be a class instance). */
function untagged(record: UndecodableRecord): UndecodableRecord {
  return {
    ack: () => record.ack(),
    nack: (error) => record.nack(error),
    ...(record.deadLetter ? { deadLetter: (failure) => record.deadLetter!(failure) } : {}),
  };
}

/** Each input's view of the shared window, with its in-flight count and the fair-share rule. */
class FairFlow {
  readonly #shared: FlowControl;
  readonly #share: number;
  readonly #inFlight: number[];
  readonly #waiting: boolean[];
  #wakers: Array<() => void> = [];

  constructor(shared: FlowControl, inputs: number, share: number) {
    this.#shared = shared;
    this.#share = share;
    this.#inFlight = new Array<number>(inputs).fill(0);
    this.#waiting = new Array<boolean>(inputs).fill(false);
  }

  flowFor(input: number): FlowControl {
    const shared = this.#shared;
    const yields = (): boolean => this.#yields(input);
    return {
      get full() {
        return shared.full || yields();
      },
      drained: (signal) => this.#drained(input, signal),
    };
  }

  /** Counts the record in flight for its input until it is acked or nacked; its input has had its turn. */
  track<R extends UndecodableRecord>(record: R, input: number): R {
    this.#inFlight[input]!++;
    this.#turnTaken(input);
    let settled = false;
    const settle = (): void => {
      if (settled) return;
      settled = true;
      this.#inFlight[input]!--;
      this.#wake();
    };
    return { ...record, ack: () => (settle(), record.ack()), nack: (error: Error) => (settle(), record.nack(error)) };
  }

  /** An input that stopped reading ends its claim to a turn. */
  ended(input: number): void {
    this.#turnTaken(input);
  }

  /**
   * This input holds its share of the window or more while another waits for its turn: it reads
   * no further. An input waits from its drained() call until it pushes again, not just until
   * drained() returns: in between, the input that woke first would take every freed slot.
   */
  #yields(input: number): boolean {
    return this.#inFlight[input]! >= this.#share && this.#waiting.some((w, j) => w && j !== input);
  }

  #turnTaken(input: number): void {
    if (!this.#waiting[input]) return;
    this.#waiting[input] = false;
    this.#wake();
  }

  async #drained(input: number, signal: AbortSignal): Promise<void> {
    this.#waiting[input] = true;
    while (!signal.aborted && (this.#shared.full || this.#yields(input))) {
      if (this.#shared.full) await this.#shared.drained(signal);
      else await this.#change(signal);
    }
  }

  /** Resolves at the next settle or turn taken (either may end this input's yielding), or on abort. */
  #change(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.#wakers.push(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  #wake(): void {
    if (this.#wakers.length === 0) return;
    const wakers = this.#wakers;
    this.#wakers = [];
    for (const w of wakers) w();
  }
}

/**
 * The first stage of a UNION ALL pipeline: a row of input i goes through each branch that reads
 * input i (usually one; two when two branches read one table), each branch's transforms in turn.
 * A record whose branches all filter it out gives no row and is acked.
 */
export function unionStage(branchesByInput: readonly (readonly (readonly TransformStage[])[])[], description: string): TransformStage {
  return {
    kind: 'transform',
    description,
    apply(row: Row): Row[] {
      const branches = branchesByInput[row[0] as number]!;
      const input = row.slice(1);
      const out: Row[] = [];
      for (const stages of branches) {
        let rows: Row[] = [input];
        for (const stage of stages) rows = rows.length === 1 ? stage.apply(rows[0]!) : rows.flatMap((r) => stage.apply(r));
        out.push(...rows);
      }
      return out;
    },
  };
}
