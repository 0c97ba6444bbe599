import type { DaemonConfig } from '../daemon/daemon-config.js';

/** The admin API did not answer at all: the CLI exits 3. */
export class AdminUnreachableError extends Error {
  override readonly name = 'AdminUnreachableError';
}

export interface AdminResponse {
  readonly status: number;
  readonly body: unknown;
}

/** The admin API's address from the daemon configuration: a server bound to every interface is asked on loopback. */
export function defaultAdminUrl(config: DaemonConfig): string {
  let host = config.admin.host;
  if (host === '0.0.0.0' || host === '') host = '127.0.0.1';
  if (host === '::') host = '::1';
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.admin.port}`;
}

/** A thin JSON client of the daemon's admin API (what `predictd status|pause|resume|restart` talk to). */
export class AdminClient {
  readonly #base: string;
  readonly #token: string | undefined;
  readonly #timeoutMs: number;

  constructor(baseUrl: string, token: string | undefined, timeoutMs = 10_000) {
    this.#base = baseUrl.replace(/\/+$/, '');
    this.#token = token || undefined;
    this.#timeoutMs = timeoutMs;
  }

  get url(): string {
    return this.#base;
  }

  get(path: string): Promise<AdminResponse> {
    return this.#request('GET', path);
  }

  send(method: 'PUT' | 'POST', path: string, body?: string): Promise<AdminResponse> {
    return this.#request(method, path, body);
  }

  async #request(method: string, path: string, body?: string): Promise<AdminResponse> {
    let res: Response;
    try {
      res = await fetch(`${this.#base}${path}`, {
        method,
        headers: { Accept: 'application/json', ...(this.#token ? { Authorization: `Bearer ${this.#token}` } : {}), ...(body !== undefined ? { 'Content-Type': 'text/plain; charset=utf-8' } : {}) },
        ...(body !== undefined ? { body } : {}),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new AdminUnreachableError(`the daemon's admin API at ${this.#base} does not answer (${cause?.code ?? cause?.message ?? (err as Error).message})`, { cause: err });
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON (an older daemon's text answer): keep the text.
    }
    return { status: res.status, body: parsed };
  }
}

/** The message of an error answer: Kafka Connect's `{error_code, message}`, the older `{error}`, or the text. */
export function errorMessage(res: AdminResponse): string {
  const b = res.body as { message?: unknown; error?: unknown } | string;
  if (typeof b === 'string') return b.trim() || `HTTP ${res.status}`;
  return String(b?.message ?? b?.error ?? `HTTP ${res.status}`);
}
