import { ModelCallError } from '../spi/model-provider.js';
import { causeChain } from './cause-chain.js';

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/**
 * One HTTP POST with a per-attempt timeout. The caller's abort rejects with `signal.reason`;
 * the timeout and connection failures become transient ModelCallErrors, with `redact` applied.
 * Any HTTP status is returned for the provider to classify.
 */
export async function postOnce(
  url: string,
  init: { readonly headers: Record<string, string>; readonly body: string },
  opts: { readonly signal: AbortSignal; readonly timeoutMs: number; readonly redact: (text: string) => string },
): Promise<HttpAnswer> {
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = AbortSignal.any([opts.signal, timeout]);
  try {
    // A redirect is answered, not followed: signed requests and key headers must not travel on.
    const res = await fetch(url, { method: 'POST', headers: init.headers, body: init.body, signal, redirect: 'manual' });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text };
  } catch (err) {
    if (opts.signal.aborted) throw opts.signal.reason;
    if (timeout.aborted) throw new ModelCallError('transient', `request timed out after ${opts.timeoutMs} ms`);
    throw new ModelCallError('transient', opts.redact(`connection error: ${causeChain(err)}`));
  }
}
