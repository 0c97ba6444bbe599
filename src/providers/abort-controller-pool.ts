import { getEventListeners } from 'node:events';

/** Idle controllers kept at most: about a model's calls in flight, so one burst refills it. */
const MAX_IDLE = 256;

/**
 * AbortControllers for attempts, handed on from an attempt that got its answer to the next one.
 * Node makes an AbortSignal the slow way (an EventTarget given AbortSignal's prototype after the
 * fact): about 4 µs, and 2 more for the first listener, where the rest of a row's bookkeeping in
 * the model function costs about 10. A signal that never aborted and has no listener left is as
 * good as a new one, so only such a signal comes back: a client that still listens (fetch, for
 * one, removes its listener only when the request is garbage-collected) keeps its own.
 */
export class AbortControllerPool {
  readonly #idle: AbortController[] = [];

  take(): AbortController {
    return this.#idle.pop() ?? new AbortController();
  }

  /** The call made with `controller.signal` has settled: the controller may serve another call. */
  giveBack(controller: AbortController): void {
    const signal = controller.signal;
    if (signal.aborted || this.#idle.length >= MAX_IDLE || getEventListeners(signal, 'abort').length > 0) return;
    this.#idle.push(controller);
  }
}
