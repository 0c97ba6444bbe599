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
