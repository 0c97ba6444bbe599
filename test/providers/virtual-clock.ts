import type { Clock } from '../../src/providers/index.js';

/** Lets every promise callback and immediate queued so far run. */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface VirtualClock extends Clock {
  /** Moves time to `now + ms`, firing each timer at its own instant and letting its consequences settle before the next. */
  advance(ms: number): Promise<void>;
  /** A stalled event loop: time moves `ms` on, and only then do the timers due meanwhile fire, late. */
  stall(ms: number): Promise<void>;
  /** Timers not yet fired or cancelled. */
  pending(): number;
}

/** Virtual time for code that waits on `clock.sleep()` or `clock.schedule()`: nothing happens until the test advances it. */
export function virtualClock(start = 1_000_000): VirtualClock {
  let now = start;
  const timers: { at: number; seq: number; fire: () => void }[] = [];
  let seq = 0;
  const next = (until: number) => {
    let best: (typeof timers)[number] | undefined;
    for (const t of timers) if (t.at <= until && (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq))) best = t;
    return best;
  };
  return {
    now: () => now,
    sleep: (ms, signal) => {
      const t = virtualTimeout(ms, signal);
      return new Promise<void>((resolve, reject) =>
        t.signal.addEventListener('abort', () => (signal.aborted ? reject(signal.reason) : resolve()), { once: true }),
      );
    },
    schedule: (ms, fire) => {
      const timer = { at: now + Math.max(0, ms), seq: seq++, fire };
      timers.push(timer);
      return timer;
    },
    cancel: (handle) => {
      const i = timers.indexOf(handle as (typeof timers)[number]);
      if (i >= 0) timers.splice(i, 1);
    },
    async advance(ms) {
      const until = now + ms;
      for (;;) {
        await settle();
        const t = next(until);
        if (!t) break;
        timers.splice(timers.indexOf(t), 1);
        now = Math.max(now, t.at);
        t.fire();
      }
      now = until;
      await settle();
    },
    async stall(ms) {
      now += ms;
      for (;;) {
        await settle();
        const t = next(now);
        if (!t) break;
        timers.splice(timers.indexOf(t), 1);
        t.fire();
      }
    },
    pending: () => timers.length,
  };

  function virtualTimeout(ms: number, parent?: AbortSignal) {
    const controller = new AbortController();
    const timer = { at: now + Math.max(0, ms), seq: seq++, fire: () => controller.abort(new DOMException('timed out', 'TimeoutError')) };
    const cancel = () => {
      const i = timers.indexOf(timer);
      if (i >= 0) timers.splice(i, 1);
      parent?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      cancel();
      controller.abort(parent!.reason);
    };
    if (parent?.aborted) controller.abort(parent.reason);
    else {
      timers.push(timer);
      parent?.addEventListener('abort', onAbort, { once: true });
    }
    return { signal: controller.signal, cancel };
  }
}
