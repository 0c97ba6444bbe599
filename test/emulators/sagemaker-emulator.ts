import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate, type EmulatorCredentials, type Fail } from './bedrock-sigv4.js';
import { EmulatorServer, listenLoopback, tokens, type BaseCounters, type Loopback, type SlidingWindowLimit } from './emulator-server.js';

export type { EmulatorCredentials } from './bedrock-sigv4.js';

/**
 * A loopback SageMaker Runtime (provider-wire-formats.md §5): `POST /endpoints/{name}/invocations`
 * with the body opaque to the service, as a container reads it. Every request's SigV4 signature
 * (service `sagemaker`) is recomputed from the raw request; a mismatch, unknown key, wrong token,
 * scope or stale date is answered 403 with `x-amzn-ErrorType`. The member headers are checked
 * as the service checks them (lengths, the inference component pattern), an unknown endpoint is
 * 400 ValidationError, over 6 MB is 413. Throttling answers as SageMaker does: **400**
 * `ThrottlingException` with `{"message": null}`. The default model is a "sum" model that reads
 * every format predictd writes (CSV lines, JSON objects and arrays, TF-Serving instances, KServe v2
 * tensors, DataFrames, chat messages) and answers in the Accept type.
 */

export interface SageMakerInvocation {
  readonly endpointName: string;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly contentType: string;
  readonly accept: string;
  readonly body: string;
}

export interface SageMakerReply {
  readonly status?: number;
  readonly contentType: string;
  readonly body: string;
}

export interface SageMakerScriptedFailure {
  readonly status: number;
  /** `x-amzn-ErrorType`; defaults by status (424 ModelError, 429 ModelNotReadyException, 400 ThrottlingException ...). */
  readonly code?: string;
  readonly message?: string | null;
  /** Extra body members, e.g. `OriginalStatusCode` of a ModelError. */
  readonly extra?: Readonly<Record<string, unknown>>;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface SageMakerEmulatorOptions {
  readonly credentials?: readonly EmulatorCredentials[];
  readonly region?: string;
  /** Endpoint names that exist. Default: any name. */
  readonly endpoints?: readonly string[];
  readonly latencyMs?: number;
  /** The container's answer. Default: the sum model. */
  readonly respond?: (req: SageMakerInvocation) => SageMakerReply;
  readonly rateLimit?: SlidingWindowLimit;
  readonly now?: () => number;
}

export interface SageMakerRecordedRequest {
  readonly path: string;
  readonly endpointName: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly status: number;
  readonly errorType: string | undefined;
}

export interface SageMakerCounters extends BaseCounters {
  readonly signaturesVerified: number;
  readonly throttled: number;
}

const MAX_BODY = 6_291_456;
const NAMESPACE = ':http://internal.amazon.com/coral/com.amazon.sagemaker/';
const MEMBER_LIMITS: Readonly<Record<string, number>> = {
  'content-type': 1024,
  accept: 1024,
  'x-amzn-sagemaker-custom-attributes': 1024,
  'x-amzn-sagemaker-target-model': 1024,
  'x-amzn-sagemaker-target-variant': 63,
  'x-amzn-sagemaker-target-container-hostname': 63,
  'x-amzn-sagemaker-inference-id': 64,
  'x-amzn-sagemaker-enable-explanations': 64,
  'x-amzn-sagemaker-inference-component': 63,
};

export class SageMakerEmulator extends EmulatorServer<SageMakerRecordedRequest, SageMakerScriptedFailure> {
  readonly #opts: SageMakerEmulatorOptions;
  #counters = { signaturesVerified: 0, throttled: 0 };

  private constructor(loopback: Loopback, opts: SageMakerEmulatorOptions) {
    super(loopback, { latencyMs: opts.latencyMs, maxBodyBytes: MAX_BODY + 1 });
    this.#opts = opts;
  }

  static async start(opts: SageMakerEmulatorOptions = {}): Promise<SageMakerEmulator> {
    return new SageMakerEmulator(await listenLoopback(), opts);
  }

  /** The endpoint URL as the console shows it, on this emulator's origin. */
  url(endpointName: string): string {
    return `${this.origin}/endpoints/${endpointName}/invocations`;
  }

  get counters(): SageMakerCounters {
    return { ...this.baseCounters(), ...this.#counters };
  }

  protected override route(req: IncomingMessage, res: ServerResponse, raw: Buffer): void {
    const rawUrl = req.url ?? '/';
    const path = rawUrl.split('?')[0]!;
    const headers = lowerHeaders(req);
    const m = /^\/endpoints\/([^/]+)\/invocations$/.exec(path);
    const endpointName = m ? decodeURIComponent(m[1]!) : '';
    const body = raw.toString('utf8');
    const record = (status: number, errorType?: string) => this.record({ path, endpointName, headers, body, status, errorType });
    const fail = (f: Fail, message: string | null = f.message, extra: Readonly<Record<string, unknown>> = {}) => {
      record(f.status, f.code);
      this.sendJson(res, f.status, { ...extra, message }, { 'content-type': 'application/json', 'x-amzn-RequestId': randomUUID(), 'x-amzn-ErrorType': `${f.code}${NAMESPACE}`, ...(f.headers ?? {}) });
    };

    if (req.method !== 'POST' || !m) return fail({ status: 404, code: 'UnknownOperationException', message: 'Unknown operation' });
    const auth = authenticate({ method: req.method, rawUrl, headers, rawHeaders: req.rawHeaders, body: raw }, { ...this.#opts, service: 'sagemaker', apiKeys: [] });
    if (typeof auth === 'object') return fail(auth);
    this.#counters.signaturesVerified++;
    if (raw.length > MAX_BODY) return fail({ status: 413, code: 'ValidationError', message: 'Request body exceeds the 6 MB limit' });
    for (const [name, max] of Object.entries(MEMBER_LIMITS)) {
      const v = headers[name];
      if (v !== undefined && (v.length > max || v.length === 0)) return fail(validation(`1 validation error detected: Value at '${name}' failed to satisfy constraint: Member must have length less than or equal to ${max}`));
    }
    const component = headers['x-amzn-sagemaker-inference-component'];
    if (component !== undefined && !/^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/.test(component)) {
      return fail(validation(`1 validation error detected: Value '${component}' at 'inferenceComponentName' failed to satisfy constraint`));
    }
    if (this.#opts.endpoints && !this.#opts.endpoints.includes(endpointName)) {
      return fail(validation(`Endpoint ${endpointName} of account 123456789012 not found.`));
    }
    const scripted = this.nextFailure();
    if (scripted) {
      const code = scripted.code ?? defaultCode(scripted.status);
      return fail({ status: scripted.status, code, message: '', headers: scripted.headers ?? {} }, scripted.message === undefined ? defaultMessage(code) : scripted.message, scripted.extra);
    }
    if (this.admit(this.#opts.rateLimit) !== undefined) {
      this.#counters.throttled++;
      return fail({ status: 400, code: 'ThrottlingException', message: '' }, null);
    }
    const invocation: SageMakerInvocation = {
      endpointName,
      headers,
      contentType: headers['content-type'] ?? 'application/octet-stream',
      accept: headers['accept'] ?? '*/*',
      body,
    };
    let reply: SageMakerReply;
    try {
      reply = (this.#opts.respond ?? sumModel)(invocation);
    } catch (err) {
      // What the service does when the container fails: 424 ModelError with the container's status.
      return fail({ status: 424, code: 'ModelError', message: '' }, 'Received client error (400) from primary with message "' + String((err as Error).message) + '".', {
        OriginalStatusCode: 400,
        OriginalMessage: String((err as Error).message),
        LogStreamArn: `arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/${endpointName}`,
      });
    }
    this.afterLatency(() => {
      if (res.destroyed) return;
      const status = reply.status ?? 200;
      if (status === 200) this.stats.succeeded++;
      record(status);
      this.stats.byStatus[status] = (this.stats.byStatus[status] ?? 0) + 1;
      res.writeHead(status, { 'content-type': reply.contentType, 'x-Amzn-Invoked-Production-Variant': headers['x-amzn-sagemaker-target-variant'] ?? 'AllTraffic' });
      res.end(reply.body);
    });
  }
}

function lowerHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  return out;
}

function validation(message: string): Fail {
  return { status: 400, code: 'ValidationError', message };
}

function defaultCode(status: number): string {
  switch (status) {
    case 400:
      return 'ThrottlingException';
    case 424:
      return 'ModelError';
    case 429:
      return 'ModelNotReadyException';
    case 500:
      return 'InternalFailure';
    case 503:
      return 'ServiceUnavailable';
    case 530:
      return 'InternalDependencyException';
    case 403:
      return 'AccessDeniedException';
    default:
      return 'ValidationError';
  }
}

function defaultMessage(code: string): string | null {
  switch (code) {
    case 'ThrottlingException':
      return null;
    case 'ModelNotReadyException':
      return 'Model is not ready yet, please try again later.';
    case 'ModelError':
      return 'Received server error (500) from primary with message "model crashed".';
    default:
      return `Scripted ${code}`;
  }
}

/**
 * The default container: every row's score is the sum of its numbers (strings count their length),
 * answered as the Accept type asks — CSV lines, or JSON in the shape the request came in.
 */
export function sumModel(req: SageMakerInvocation): SageMakerReply {
  if (req.contentType.startsWith('text/csv')) {
    const scores = req.body.split(/\r?\n/).filter((l) => l.length > 0).map((line) => sum(line.split(',').map((f) => (f === '' ? 0 : Number.isFinite(Number(f)) ? Number(f) : f.length))));
    if (req.accept.includes('json')) return json({ predictions: scores });
    return { contentType: 'text/csv', body: `${scores.join('\n')}\n` };
  }
  if (req.contentType.startsWith('text/plain')) return { contentType: 'text/plain', body: `echo: ${req.body}` };
  const parsed = JSON.parse(req.body) as unknown;
  if (isObject(parsed) && Array.isArray(parsed['messages'])) {
    const user = (parsed['messages'] as { role: string; content: string }[]).filter((m) => m.role === 'user').at(-1)?.content ?? '';
    return json({
      id: `chatcmpl-${randomUUID()}`,
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: `echo: ${user}` }, finish_reason: 'stop' }],
      usage: { prompt_tokens: tokens(user), completion_tokens: tokens(user) + 2, total_tokens: 2 * tokens(user) + 2 },
    });
  }
  if (isObject(parsed) && Array.isArray(parsed['instances'])) return json({ predictions: parsed['instances'].map((i) => sum(i)) });
  if (isObject(parsed) && Array.isArray(parsed['inputs'])) {
    const tensors = parsed['inputs'] as { shape: number[]; data: unknown[] }[];
    const rows = tensors[0]?.shape[0] ?? 0;
    const scores = Array.from({ length: rows }, (_, r) => sum(tensors.map((t) => t.data.slice((r * t.data.length) / rows, ((r + 1) * t.data.length) / rows))));
    return json({ model_name: req.endpointName, outputs: [{ name: 'score', shape: [rows], datatype: 'FP64', data: scores }] });
  }
  if (isObject(parsed) && isObject(parsed['dataframe_split'])) return json({ predictions: ((parsed['dataframe_split'] as { data: unknown[] }).data).map(sum) });
  if (isObject(parsed) && isObject(parsed['input_data'])) return json(((parsed['input_data'] as { data: unknown[] }).data).map(sum));
  if (Array.isArray(parsed)) return json([sum(parsed)]);
  if (isObject(parsed)) return json({ score: sum(Object.values(parsed)) });
  throw new Error('unsupported input');
}

function json(payload: unknown): SageMakerReply {
  return { contentType: 'application/json', body: JSON.stringify(payload) };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sum(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return Number.isFinite(Number(v)) && v.trim() !== '' ? Number(v) : v.length;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (Array.isArray(v)) return v.reduce((s: number, x) => s + sum(x), 0);
  if (isObject(v)) return sum(Object.values(v));
  return 0;
}
