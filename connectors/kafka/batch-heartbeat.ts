import type { EachBatchPayload } from 'kafkajs';

/**
 * Heartbeats the group for as long as one eachBatch runs, and remembers the first heartbeat
 * error (a rebalance, a fenced member, a lost coordinator).
 *
 * kafkajs heartbeats only between batches. A batch of a thousand records behind a full window
 * and a rate-limited model takes many seconds, and the window drains and refills faster than a
 * heartbeat interval, so no wait inside the batch lasts long enough to heartbeat either: a
 * rebalance then waited for every queued batch of the member (35 s with four partitions at
 * 100 rows/s), and the joining members with it. This ticker makes a member hear of a rebalance
 * within one heartbeat interval whatever the batch does; the caller stops reading and rethrows
 * the error, and kafkajs rejoins.
 */
export class BatchHeartbeat {
  readonly #timer: NodeJS.Timeout;
  #error: unknown;
  #wake: (() => void) | undefined;
  /** Resolves once a heartbeat failed or the consumer stopped running. */
  readonly interrupted: Promise<void>;

  constructor(p: Pick<EachBatchPayload, 'heartbeat' | 'isRunning'>, intervalMs: number) {
    this.interrupted = new Promise<void>((resolve) => (this.#wake = resolve));
    this.#timer = setInterval(() => {
      if (!p.isRunning()) {
        this.#wake?.();
        return;
      }
      p.heartbeat().catch((err: unknown) => {
        this.#error ??= err;
        this.#wake?.();
      });
    }, intervalMs);
    this.#timer.unref();
  }

  /** The first heartbeat error of this batch, if any: the batch must stop and rethrow it. */
  get error(): unknown {
    return this.#error;
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}

/** The heartbeat errors after which kafkajs rejoins the group (its own `isRebalancing`). */
export function isRebalancing(err: unknown): boolean {
  const type = (err as { type?: unknown } | null)?.type;
  return type === 'REBALANCE_IN_PROGRESS' || type === 'NOT_COORDINATOR_FOR_GROUP' || type === 'ILLEGAL_GENERATION';
}
