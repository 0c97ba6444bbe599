import { createHash } from 'node:crypto';
import { ModelCallError } from '../../spi/model-provider.js';
import { parseDuration } from '../../spi/duration.js';
import type { Value } from '../../types/data-type.js';

/*
 * Helpers shared by the azureopenai, bedrock and googleai providers. They belong in
 * src/providers/ next to env-refs.ts; they live here only because that change was limited to the
 * provider folders.
 */

/** Characters per token for estimates: the usual English rule of thumb (as the OpenAI provider). */
export const CHARS_PER_TOKEN = 4;

/** The tasks Confluent's CREATE MODEL accepts, plus the OpenAI provider's `chat` / `embeddings`. */
export const MODEL_TASKS = Object.freeze(['text_generation', 'classification', 'regression', 'clustering', 'embedding', 'chat', 'embeddings']);

export function isEmbeddingTask(task: string | undefined): boolean {
  const t = task?.toLowerCase();
  return t === 'embedding' || t === 'embeddings';
}

/** `sha256(secret)` prefix for quota keys and logs: identifies a credential without revealing it. */
export function fingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 12);
}

export function textOf(v: Value | undefined): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v : String(v);
}

/**
 * `client-timeout`: a bare number is seconds, as Confluent's `<provider>.client_timeout`; with a
 * unit it is a Flink duration ('500ms', '2 min'). Returns milliseconds or a problem.
 */
export function parseClientTimeout(text: string | undefined, fallbackMs: number): number | { readonly problem: string } {
  if (text === undefined) return fallbackMs;
  const bare = /^\s*(\d+(?:\.\d+)?)\s*$/.exec(text);
  const ms = bare ? Math.round(Number(bare[1]) * 1000) : parseDuration(text);
  if (ms === undefined || ms <= 0) return { problem: `option 'client-timeout' expects seconds or a duration such as '30s', got '${text}'` };
  return ms;
}

/**
 * Endpoints copied from provider docs keep placeholders such as `<REGION>`; like `${ENV}`
 * references they make the URL uncheckable at validation time. Returns the first one.
 */
export function endpointPlaceholder(endpoint: string): string | undefined {
  return /<[^<>]*>/.exec(endpoint)?.[0];
}

/** True when the endpoint can only be checked once the environment is known (create()). */
export function endpointDeferred(endpoint: string): boolean {
  return endpoint.includes('${') || endpointPlaceholder(endpoint) !== undefined;
}

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

function causeChain(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e instanceof Error && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    parts.push(typeof code === 'string' && !e.message.includes(code) ? `${e.message} (${code})` : e.message);
    e = e.cause;
  }
  return parts.length > 0 ? parts.join(': ') : String(err);
}

/** A JSON body, or undefined when the text is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
