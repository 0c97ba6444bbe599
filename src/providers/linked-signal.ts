/**
 * A child signal that aborts with its parent, detached by dispose(). Handing libraries a child per
 * call keeps the caller's long-lived signal clean: the openai SDK adds an abort listener per
 * request and never removes it.
 */
export function linkedSignal(parent: AbortSignal): { readonly signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { signal: controller.signal, dispose: () => {} };
  }
  const onAbort = () => controller.abort(parent.reason);
  parent.addEventListener('abort', onAbort, { once: true });
  return { signal: controller.signal, dispose: () => parent.removeEventListener('abort', onAbort) };
}

/**
 * A signal that aborts with the first of `signals` to abort (with its reason), detached by
 * dispose(): AbortSignal.any() without its listeners outliving the call on long-lived parents.
 */
export function anySignal(signals: readonly (AbortSignal | undefined)[]): { readonly signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  const already = present.find((s) => s.aborted);
  if (already) {
    controller.abort(already.reason);
    return { signal: controller.signal, dispose: () => {} };
  }
  const cleanups = present.map((s) => {
    const onAbort = () => controller.abort(s.reason);
    s.addEventListener('abort', onAbort, { once: true });
    return () => s.removeEventListener('abort', onAbort);
  });
  return { signal: controller.signal, dispose: () => cleanups.forEach((c) => c()) };
}
