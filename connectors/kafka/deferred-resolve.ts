import type { EachBatchPayload } from 'kafkajs';

/**
 * An eachBatch payload whose resolveOffset is deferred: offsets marked during a synchronous run
 * of records reach kafkajs as one call, for the last of them, on `flush()`. The reader flushes
 * before it awaits anything and when it stops, so no other code (a heartbeat, a rebalance, a
 * seek, the next fetch) can see a difference from a call per record. kafkajs parses and formats
 * the offset as a Long on each call: about 5 % of a passthrough job's CPU.
 */
export interface DeferredResolve {
  readonly payload: EachBatchPayload;
  flush(): void;
}

export function deferResolve(p: EachBatchPayload): DeferredResolve {
  let pending: string | undefined;
  return {
    // Offsets only grow within a batch: the last one marked is the one to resolve.
    payload: { ...p, resolveOffset: (offset: string) => void (pending = offset) },
    flush() {
      if (pending === undefined) return;
      const offset = pending;
      pending = undefined;
      p.resolveOffset(offset);
    },
  };
}
