/** Told once when the signal it watches aborts. */
export interface AbortWatcher {
  onAbort(reason: unknown): void;
}

const fanouts = new WeakMap<AbortSignal, Set<AbortWatcher>>();

/**
 * Watches a long-lived signal (a pipeline's hard stop) on behalf of many short-lived rows: one
 * 'abort' listener per signal and a Set of watchers behind it. Node's EventTarget walks its whole
 * listener list on every add and remove, and every row in flight watches the same signal, so a
 * listener per row costs O(rows in flight) twice per row; a Set add and delete do not.
 * The caller checks `signal.aborted` first: a watcher added to an aborted signal is never told.
 */
export function watchAbort(signal: AbortSignal, watcher: AbortWatcher): void {
  let set = fanouts.get(signal);
  if (!set) {
    const watchers = new Set<AbortWatcher>();
    set = watchers;
    fanouts.set(signal, watchers);
    signal.addEventListener(
      'abort',
      () => {
        fanouts.delete(signal);
        for (const w of watchers) w.onAbort(signal.reason);
        watchers.clear();
      },
      { once: true },
    );
  }
  set.add(watcher);
}

/** Stops watching; a watcher already told, or never added, is ignored. */
export function unwatchAbort(signal: AbortSignal, watcher: AbortWatcher): void {
  fanouts.get(signal)?.delete(watcher);
}
