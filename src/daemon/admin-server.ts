import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../spi/logger.js';
import type { InvalidJob } from './job-manager.js';
import type { JobModelStats, JobStatus } from './job.js';

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
}

export interface AdminServerOptions {
  readonly host: string;
  /** 0 lets the system pick a free port (the daemon treats admin.port 0 as "no server" instead). */
  readonly port: number;
  readonly source: AdminSource;
  readonly log: Logger;
}

interface Reply {
  readonly status: number;
  readonly type: string;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

const TEXT = 'text/plain; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * The daemon's admin HTTP endpoints (node:http, GET/HEAD only, no request bodies):
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
 *   GET /metrics    Prometheus text format 0.0.4
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
    const server = createServer({ requestTimeout: 10_000, headersTimeout: 5_000, keepAliveTimeout: 5_000 }, (req, res) => {
      handle(req, res, opts.source, log).catch((err: unknown) => log.error({ err, url: req.url }, 'admin request failed'));
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
    log.info({ host: opts.host, port: admin.port }, `admin server listening on ${admin.url}`);
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

async function handle(req: IncomingMessage, res: ServerResponse, source: AdminSource, log: Logger): Promise<void> {
  req.resume();
  let reply: Reply;
  try {
    const path = (req.url ?? '/').split('?')[0]!;
    const route = routeOf(path);
    if (!route) reply = { status: 404, type: TEXT, body: 'not found\n' };
    else if (req.method !== 'GET' && req.method !== 'HEAD') reply = { status: 405, type: TEXT, body: 'method not allowed\n', headers: { Allow: 'GET, HEAD' } };
    else reply = await route(source);
  } catch (err) {
    log.error({ err, url: req.url }, 'admin request failed');
    reply = { status: 500, type: TEXT, body: 'internal error\n' };
  }
  const body = source.scrub(reply.body);
  res.writeHead(reply.status, {
    'Content-Type': reply.type,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...reply.headers,
  });
  res.end(body);
}

function routeOf(path: string): ((source: AdminSource) => Reply | Promise<Reply>) | undefined {
  switch (path) {
    case '/healthz':
      return () => ({ status: 200, type: TEXT, body: 'ok\n' });
    case '/readyz':
      return readiness;
    case '/jobs':
      return (source) => json(200, { jobs: allJobViews(source), invalid: source.invalid().map((i) => invalidView(i, source)) });
    case '/metrics':
      return async (source) => {
        if (!source.metrics) return { status: 404, type: TEXT, body: 'no metrics\n' };
        const { contentType, text } = await source.metrics();
        return { status: 200, type: contentType, body: text };
      };
  }
  const m = /^\/jobs\/([^/]+)$/.exec(path);
  if (!m) return undefined;
  let id: string;
  try {
    id = decodeURIComponent(m[1]!);
  } catch {
    return undefined;
  }
  return (source) => {
    const job = source.jobs().find((j) => j.id === id);
    const invalid = source.invalid().find((i) => i.id === id);
    if (job) return json(200, { ...jobView(job, source), ...(invalid ? { fileErrors: compileErrors(invalid.error).map((e) => source.scrub(e)) } : {}) });
    if (invalid) return json(200, { ...invalidJobView(invalid, source), fileErrors: compileErrors(invalid.error).map((e) => source.scrub(e)) });
    return json(404, { error: `no job '${id}'` });
  };
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

function json(status: number, value: unknown): Reply {
  return { status, type: JSON_TYPE, body: `${JSON.stringify(value, null, 2)}\n` };
}
