import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../spi/logger.js';
import { isLoopbackAddress, refusal, type AdminAuth } from './admin-auth.js';
import { jobStatusView } from './admin-status-view.js';
import type { ControlOutcome, InvalidJob } from './job-manager.js';
import type { JobModelStats, JobStatus } from './job.js';
import { diagnosticView, type JobValidation } from './validate-job.js';

/** A job as the admin server sees it: its status plus the counters of the models it bound. */
export interface AdminJobSnapshot extends JobStatus {
  readonly models: readonly JobModelStats[];
}

/** What the admin server reads from the daemon; every call is a fresh snapshot. */
export interface AdminSource {
  /**
   * The daemon's state; `loaded` turns true once the job files present at start were loaded;
   * `readyWhenJobsFail` (admin.readyWhenJobsFail) keeps /readyz at 200 while jobs are FAILED,
   * RESTARTING or INVALID.
   */
  daemon(): { readonly state: string; readonly loaded: boolean; readonly readyWhenJobsFail?: boolean };
  jobs(): readonly AdminJobSnapshot[];
  /** Job files whose last version failed to compile. */
  invalid(): readonly InvalidJob[];
  /** Blanks every secret value the daemon knows out of text before it leaves the process. */
  scrub(text: string): string;
  /** The Prometheus exposition of the daemon's metrics (daemon-metrics.ts); without it, /metrics is 404. */
  metrics?(): Promise<{ readonly contentType: string; readonly text: string }>;
  /** The control plane (pause, resume, restart, validate); without it those endpoints answer 404. */
  readonly control?: AdminControl;
}

/** What PUT/POST requests do; the daemon's JobManager and compiler behind it. */
export interface AdminControl {
  setTargetState(id: string, target: 'PAUSED' | 'STARTED'): ControlOutcome;
  restart(id: string): ControlOutcome;
  /** Compiles a job text named `file` without running anything (the checks of `predictd validate`). */
  validate(file: string, sql: string, strict: boolean): JobValidation;
}

export interface AdminServerOptions {
  readonly host: string;
  /** 0 lets the system pick a free port (the daemon treats admin.port 0 as "no server" instead). */
  readonly port: number;
  readonly source: AdminSource;
  readonly log: Logger;
  /** `admin.token`: required as `Authorization: Bearer <token>` on PUT/POST when set. Never logged. */
  readonly token?: string;
}

/** Request bodies (POST /validate's SQL) are read up to this; a larger one is refused with 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

interface Reply {
  readonly status: number;
  readonly type: string;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

type Method = 'GET' | 'PUT' | 'POST';

interface AdminRequest {
  readonly source: AdminSource;
  readonly query: URLSearchParams;
  /** The body as text; only read for PUT/POST, after authorization. */
  readonly body: string;
}

type Handler = (req: AdminRequest) => Reply | Promise<Reply>;

/** One path: its handler per method (HEAD is GET without a body). */
type Route = Partial<Record<Method, Handler>>;

const TEXT = 'text/plain; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * The daemon's admin HTTP endpoints (node:http). Reads (GET and HEAD):
 *
 *   GET /healthz    200 `ok` while the process runs (liveness)
 *   GET /readyz     200 when the daemon is RUNNING, its job files loaded and no job FAILED,
 *                   RESTARTING or INVALID (unless admin.readyWhenJobsFail); else 503. The JSON
 *                   body names the failing jobs and the job files that do not compile, either way.
 *   GET /jobs       every job file of the folder: running jobs (state, pipelines and models with
 *                   counters), FAILED/RESTARTING ones (attempt, next try, last error with its
 *                   `file:line:col`) and INVALID files (their compile errors); plus `invalid`,
 *                   the files whose last version failed to compile (kept for compatibility)
 *   GET /jobs/{id}  one job file (404 when there is none with that id)
 *   GET /jobs/{id}/status  state, target state, rows/s, lag per partition, in flight, errors by stage
 *   GET /metrics    Prometheus text format 0.0.4
 *
 * Control, with Kafka Connect's verbs and codes (202 Accepted; errors as `{error_code, message}`):
 *
 *   PUT /jobs/{id}/pause, PUT /jobs/{id}/resume, POST /jobs/{id}/restart
 *   POST /validate  body = a job's SQL text (`?file=name.sql` names it): its diagnostics as JSON; nothing runs
 *
 * PUT/POST are refused (403) unless the request carries `admin.token` as a bearer token, or no
 * token is set and the server listens on loopback only (admin-auth.ts). Bodies are bounded.
 *
 * Nothing here shows an option value: only names, states, counters and error messages, and every
 * body passes the daemon's secret scrubber. Compile errors lose their source excerpt (the line
 * under the caret could hold a key).
 */
export class AdminServer {
  readonly #server: Server;
  readonly #log: Logger;
  #stopping: Promise<void> | undefined;

  private constructor(server: Server, log: Logger) {
    this.#server = server;
    this.#log = log;
  }

  /** Listens on host:port; rejects (nothing left open) when the address cannot be bound. */
  static async start(opts: AdminServerOptions): Promise<AdminServer> {
    const log = opts.log;
    // Settled once listening: the bound address decides whether loopback alone may change jobs.
    const auth: { current: AdminAuth } = { current: { ...(opts.token ? { token: opts.token } : {}), loopbackOnly: false } };
    const server = createServer({ requestTimeout: 10_000, headersTimeout: 5_000, keepAliveTimeout: 5_000 }, (req, res) => {
      handle(req, res, opts.source, auth.current, log).catch((err: unknown) => log.error({ err, url: req.url }, 'admin request failed'));
    });
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => {
        server.close();
        reject(new Error(`the admin server cannot listen on ${opts.host}:${opts.port}: ${err.message}`, { cause: err }));
      };
      server.once('error', onError);
      server.listen(opts.port, opts.host, () => {
        server.off('error', onError);
        resolve();
      });
    });
    server.on('error', (err) => log.error({ err }, 'admin server error'));
    const admin = new AdminServer(server, log);
    const loopbackOnly = isLoopbackAddress((server.address() as AddressInfo).address);
    auth.current = { ...auth.current, loopbackOnly };
    log.info(
      { host: opts.host, port: admin.port, controlAuth: opts.token ? 'token' : loopbackOnly ? 'loopback' : 'refused' },
      `admin server listening on ${admin.url}`,
    );
    return admin;
  }

  /** The port listened on (the system's choice when started with port 0). */
  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  get url(): string {
    const { address, family, port } = this.#server.address() as AddressInfo;
    return `http://${family === 'IPv6' ? `[${address}]` : address}:${port}`;
  }

  /** Stops listening and closes open connections. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
      this.#log.info('admin server stopped');
    });
    return this.#stopping;
  }
}

async function handle(req: IncomingMessage, res: ServerResponse, source: AdminSource, auth: AdminAuth, log: Logger): Promise<void> {
  let reply: Reply;
  try {
    reply = await answer(req, source, auth);
  } catch (err) {
    log.error({ err, method: req.method, url: req.url }, 'admin request failed');
    reply = error(500, 'internal error');
  }
  req.resume();
  const body = req.method === 'HEAD' ? '' : source.scrub(reply.body);
  res.writeHead(reply.status, {
    'Content-Type': reply.type,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...reply.headers,
  });
  res.end(body);
}

async function answer(req: IncomingMessage, source: AdminSource, auth: AdminAuth): Promise<Reply> {
  const url = new URL(req.url ?? '/', 'http://admin');
  const route = routeOf(url.pathname, source);
  if (!route) return error(404, 'not found');
  const method = req.method === 'HEAD' ? 'GET' : req.method;
  const handler = route[method as Method];
  if (!handler) return { ...error(405, 'method not allowed'), headers: { Allow: allowed(route) } };
  let body = '';
  if (method !== 'GET') {
    const refused = refusal(req.headers, auth);
    if (refused) return error(403, refused);
    const read = await readBody(req, MAX_BODY_BYTES);
    if (read === undefined) return { ...error(413, `the request body is larger than ${MAX_BODY_BYTES} bytes`), headers: { Connection: 'close' } };
    body = read;
  }
  return handler({ source, query: url.searchParams, body });
}

function allowed(route: Route): string {
  return Object.keys(route)
    .flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m]))
    .join(', ');
}

/** The body as UTF-8 text, or undefined past `limit` bytes (the rest is not read). */
function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}

const FIXED_ROUTES: Readonly<Record<string, Route>> = {
  '/healthz': { GET: () => ({ status: 200, type: TEXT, body: 'ok\n' }) },
  '/readyz': { GET: ({ source }) => readiness(source) },
  '/jobs': { GET: ({ source }) => json(200, { jobs: allJobViews(source), invalid: source.invalid().map((i) => invalidView(i, source)) }) },
  '/metrics': {
    GET: async ({ source }) => {
      if (!source.metrics) return error(404, 'no metrics');
      const { contentType, text } = await source.metrics();
      return { status: 200, type: contentType, body: text };
    },
  },
};

function routeOf(path: string, source: AdminSource): Route | undefined {
  const fixed = FIXED_ROUTES[path];
  if (fixed) return fixed;
  const control = source.control;
  if (path === '/validate') return control ? { POST: (req) => validation(req, control) } : undefined;
  const m = /^\/jobs\/([^/]+)(?:\/(status|pause|resume|restart))?$/.exec(path);
  if (!m) return undefined;
  let id: string;
  try {
    id = decodeURIComponent(m[1]!);
  } catch {
    return undefined;
  }
  switch (m[2]) {
    case undefined:
      return { GET: () => jobReply(id, source) };
    case 'status':
      return { GET: () => statusReply(id, source) };
    case 'pause':
      return control ? { PUT: () => controlled(id, control.setTargetState(id, 'PAUSED'), source) } : undefined;
    case 'resume':
      return control ? { PUT: () => controlled(id, control.setTargetState(id, 'STARTED'), source) } : undefined;
    case 'restart':
      return control ? { POST: () => controlled(id, control.restart(id), source) } : undefined;
  }
  return undefined;
}

function jobReply(id: string, source: AdminSource): Reply {
  const job = source.jobs().find((j) => j.id === id);
  const invalid = source.invalid().find((i) => i.id === id);
  if (job) return json(200, { ...jobView(job, source), ...(invalid ? { fileErrors: compileErrors(invalid.error).map((e) => source.scrub(e)) } : {}) });
  if (invalid) return json(200, { ...invalidJobView(invalid, source), fileErrors: compileErrors(invalid.error).map((e) => source.scrub(e)) });
  // `error` is the older field; `error_code` and `message` are Kafka Connect's.
  return json(404, { error_code: 404, message: `no job '${id}'`, error: `no job '${id}'` });
}

function statusReply(id: string, source: AdminSource): Reply {
  const job = source.jobs().find((j) => j.id === id);
  if (job) return json(200, jobStatusView(job, (e) => oneLine(e, source)));
  const invalid = source.invalid().find((i) => i.id === id);
  if (invalid) return json(200, invalidJobView(invalid, source));
  return error(404, `no job '${id}'`);
}

/** 202 with the job's state after the request; Kafka Connect's codes otherwise (404 unknown, 409 not in this state). */
function controlled(id: string, outcome: ControlOutcome, source: AdminSource): Reply {
  switch (outcome.kind) {
    case 'accepted': {
      const job = source.jobs().find((j) => j.id === id);
      return json(202, { id, state: job?.state ?? null, targetState: job?.targetState ?? 'STARTED' });
    }
    case 'missing':
      return error(404, outcome.message);
    case 'invalid':
    case 'conflict':
      return error(409, outcome.message);
  }
}

/**
 * POST /validate: 200 either way (the request was understood) with `valid`, the errors and the
 * warnings of `predictd validate` (`?strict=true`: an unset `${VAR}` is an error, as `--strict`).
 */
function validation(req: AdminRequest, control: AdminControl): Reply {
  const file = req.query.get('file') || 'request.sql';
  if (req.body.trim() === '') return error(400, 'the request body must be the SQL text of a job');
  const result = control.validate(file, req.body, req.query.get('strict') === 'true');
  const count = (kind: string) => result.plan?.catalog.entries().filter((e) => e.kind === kind).length ?? 0;
  return json(200, {
    file,
    valid: result.errors.length === 0,
    errors: result.errors.map((d) => diagnosticView(file, d)),
    warnings: result.warnings.map((d) => diagnosticView(file, d)),
    ...(result.plan ? { summary: { tables: count('table'), views: count('view'), models: count('model'), pipelines: result.plan.pipelines.length } } : {}),
  });
}

/** Jobs, then the files that never compiled (no job of that id), as INVALID entries. */
function allJobViews(source: AdminSource) {
  const jobs = source.jobs();
  const ids = new Set(jobs.map((j) => j.id));
  return [...jobs.map((j) => jobView(j, source)), ...source.invalid().filter((i) => !ids.has(i.id)).map((i) => invalidJobView(i, source))];
}

function readiness(source: AdminSource): Reply {
  const { state, loaded, readyWhenJobsFail = false } = source.daemon();
  const jobs = source.jobs();
  const ids = new Set(jobs.map((j) => j.id));
  const failed = jobs.filter((j) => j.state === 'FAILED');
  const restarting = jobs.filter((j) => j.state === 'RESTARTING');
  const invalid = source.invalid().filter((i) => !ids.has(i.id));
  const reasons: string[] = [];
  if (state !== 'RUNNING') reasons.push(`the daemon is ${state}`);
  else if (!loaded) reasons.push('the job files are still loading');
  if (!readyWhenJobsFail) {
    if (failed.length > 0) reasons.push(`failed jobs: ${failed.map((j) => j.id).join(', ')}`);
    if (restarting.length > 0) reasons.push(`restarting jobs: ${restarting.map((j) => j.id).join(', ')}`);
    if (invalid.length > 0) reasons.push(`job files that do not compile: ${invalid.map((i) => i.id).join(', ')}`);
  }
  const ready = reasons.length === 0;
  return json(ready ? 200 : 503, {
    ready,
    state,
    ...(ready ? {} : { reasons }),
    failedJobs: [...failed, ...restarting].map((j) => {
      const { id, file, state: jobState, error, position, attempt, nextAttemptAt } = jobView(j, source);
      return { id, file, state: jobState, error: error ?? null, ...(position ? { position } : {}), ...(attempt !== undefined ? { attempt, nextAttemptAt } : {}) };
    }),
    invalidFiles: source.invalid().map((i) => invalidView(i, source)),
  });
}

function jobView(job: AdminJobSnapshot, source: AdminSource) {
  const error = jobError(job, source);
  const failure = job.lastFailure;
  return {
    id: job.id,
    file: job.file,
    state: job.state,
    ...(error !== undefined ? { error } : {}),
    ...(failure?.position !== undefined && (job.state === 'FAILED' || job.state === 'RESTARTING') ? { position: failure.position } : {}),
    ...(job.restart ? { attempt: job.restart.attempt, nextAttemptAt: new Date(job.restart.nextAttemptAt).toISOString() } : {}),
    restarts: job.restarts,
    ...(failure ? { lastError: { message: oneLine(failure.error, source), at: new Date(failure.at).toISOString(), ...(failure.position ? { position: failure.position } : {}) } } : {}),
    pipelines: job.pipelines.map((p) => ({
      name: p.name,
      state: p.state,
      ...(p.error !== undefined ? { error: source.scrub(p.error) } : {}),
      inFlight: p.inFlight,
      stats: p.stats,
    })),
    models: job.models.map((m) => ({ model: m.model, stats: m.stats })),
  };
}

/** Why the job is FAILED or RESTARTING (its last failure), else the first failed pipeline's error. */
function jobError(job: AdminJobSnapshot, source: AdminSource): string | undefined {
  if ((job.state === 'FAILED' || job.state === 'RESTARTING') && job.lastFailure) return oneLine(job.lastFailure.error, source);
  const error = job.pipelines.find((p) => p.error !== undefined)?.error;
  return error === undefined ? undefined : source.scrub(error);
}

/** An error without the source excerpts a positioned error carries (they could show a key), scrubbed. */
function oneLine(error: string, source: AdminSource): string {
  return source.scrub(compileErrors(error).join('\n'));
}

function invalidView(invalid: InvalidJob, source: AdminSource) {
  return { id: invalid.id, file: invalid.file, errors: compileErrors(invalid.error).map((e) => source.scrub(e)) };
}

/** A job file that does not compile and has no older version running. */
function invalidJobView(invalid: InvalidJob, source: AdminSource) {
  const errors = compileErrors(invalid.error).map((e) => source.scrub(e));
  const position = /^(.*?:\d+:\d+): /.exec(errors[0] ?? '')?.[1];
  return { id: invalid.id, file: invalid.file, state: 'INVALID' as const, error: errors[0] ?? null, ...(position ? { position } : {}), errors, restarts: 0, pipelines: [], models: [] };
}

/**
 * The `file:line:col: message [CODE]` lines of a compile error, without the source excerpt
 * and caret printed under each (indented lines): the excerpt could show a key.
 */
export function compileErrors(error: string): string[] {
  return error.split(/\r?\n/).filter((line) => line.trim() !== '' && !/^\s/.test(line));
}

/** Kafka Connect's error body. */
function error(status: number, message: string): Reply {
  return json(status, { error_code: status, message });
}

function json(status: number, value: unknown): Reply {
  return { status, type: JSON_TYPE, body: `${JSON.stringify(value, null, 2)}\n` };
}
