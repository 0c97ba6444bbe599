import { ModelCallError } from '../spi/model-provider.js';
import { causeChain } from './cause-chain.js';

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/**
 * One HTTP POST. The caller's abort (the row's stop, or the framework's per-attempt
 * `client-timeout`) rejects with `signal.reason`; connection failures become transient
 * ModelCallErrors, with `redact` applied. Any HTTP status is returned for the provider to classify.
 */
export async function postOnce(
  url: string,
  init: { readonly headers: Record<string, string>; readonly body: string },
  opts: { readonly signal: AbortSignal; readonly redact: (text: string) => string },
): Promise<HttpAnswer> {
  try {
    // A redirect is answered, not followed: signed requests and key headers must not travel on.
    const res = await fetch(url, { method: 'POST', headers: init.headers, body: init.body, signal: opts.signal, redirect: 'manual' });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text };
  } catch (err) {
    if (opts.signal.aborted) throw opts.signal.reason;
    throw new ModelCallError('transient', opts.redact(`connection error: ${causeChain(err)}`));
  }
}
