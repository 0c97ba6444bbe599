import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ModelCallError } from '../../../src/spi/model-provider.js';
import { HttpClient } from '../../../src/providers/http/http-client.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const redact = (text: string): string => text.replaceAll('sk-secret', '[redacted]');
const HEADERS = { authorization: 'Bearer sk-secret', 'content-type': 'application/json' };
const OK = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"ok":true}';

interface RawServer {
  readonly url: string;
  /** Sockets accepted so far. */
  readonly connections: Socket[];
  /** Requests read so far (head and body as text). */
  readonly requests: string[];
  close(): Promise<void>;
}

/**
 * A TCP server that answers each whole request with `answer(request, socket)`: bytes written as
 * given, so every framing and every failure can be played.
 */
async function rawServer(answer: (request: string, socket: Socket) => void): Promise<RawServer> {
  const connections: Socket[] = [];
  const requests: string[] = [];
  const server: Server = createServer((socket) => {
    connections.push(socket);
    let buffered = '';
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      // latin1: one character per byte, so content-length counts characters here.
      buffered += chunk.toString('latin1');
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = Number(/content-length: (\d+)/i.exec(buffered.slice(0, end))?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        const request = buffered.slice(0, end + 4 + length);
        buffered = buffered.slice(request.length);
        requests.push(Buffer.from(request, 'latin1').toString('utf8'));
        answer(request, socket);
      }
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/v1/chat/completions?api-version=1`,
    connections,
    requests,
    close: async () => {
      for (const s of connections) s.destroy();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const o of open.splice(0).reverse()) await o.close();
});

async function setUp(answer: (request: string, socket: Socket) => void): Promise<{ server: RawServer; http: HttpClient }> {
  const server = await rawServer(answer);
  const http = new HttpClient();
  open.push(server, http);
  return { server, http };
}

function post(http: HttpClient, url: string, signal = new AbortController().signal, body = '{"q":"héllo"}') {
  return http.post(url, { headers: HEADERS, body }, { signal, redact });
}

async function rejection(p: Promise<unknown>): Promise<ModelCallError> {
  const err = await p.then(
    () => expect.unreachable('resolved'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelCallError);
  return err as ModelCallError;
}

describe('HttpClient', () => {
  it('writes one POST with host, the caller fields and a byte length, and reads the answer', async () => {
    const { server, http } = await setUp((_r, s) => s.write(OK));
    const answer = await post(http, server.url);
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('{"ok":true}');
    expect(answer.headers.get('Content-Type')).toBe('application/json');
    const host = new URL(server.url).host;
    expect(server.requests[0]).toBe(
      `POST /v1/chat/completions?api-version=1 HTTP/1.1\r\nhost: ${host}\r\nauthorization: Bearer sk-secret\r\ncontent-type: application/json\r\ncontent-length: 14\r\n\r\n{"q":"héllo"}`,
    );
  });

  it('reuses an idle connection, opens one per request in flight, and keeps the surplus for later', async () => {
    const { server, http } = await setUp((_r, s) => setImmediate(() => s.write(OK)));
    for (let i = 0; i < 3; i++) await post(http, server.url);
    expect(server.connections).toHaveLength(1);
    await Promise.all(Array.from({ length: 5 }, () => post(http, server.url)));
    expect(server.connections).toHaveLength(5);
    await Promise.all(Array.from({ length: 5 }, () => post(http, server.url)));
    expect(server.connections).toHaveLength(5);
    expect(server.requests).toHaveLength(13);
  });

  it('opens a new connection after an answer that closes it', async () => {
    const { server, http } = await setUp((_r, s) => s.end('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}'));
    expect((await post(http, server.url)).text).toBe('{}');
    expect((await post(http, server.url)).text).toBe('{}');
    expect(server.connections).toHaveLength(2);
  });

  it("gives up an idle connection before the server's keep-alive limit", async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const { server, http } = await setUp((_r, s) => s.write('HTTP/1.1 200 OK\r\nKeep-Alive: timeout=5\r\nContent-Length: 2\r\n\r\n{}'));
    await post(http, server.url);
    vi.advanceTimersByTime(3_900);
    await post(http, server.url);
    expect(server.connections).toHaveLength(1);
    vi.advanceTimersByTime(4_000);
    await post(http, server.url);
    expect(server.connections).toHaveLength(2);
  });

  it('reads an answer framed by the connection close', async () => {
    const { server, http } = await setUp((_r, s) => s.end('HTTP/1.1 503 Service Unavailable\r\n\r\n<html>overloaded</html>'));
    const answer = await post(http, server.url);
    expect([answer.status, answer.text]).toEqual([503, '<html>overloaded</html>']);
  });

  it.each([
    ['before answering', (s: Socket) => s.destroy(), /connection error: the server closed the connection before answering/],
    ['mid-answer', (s: Socket) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"cho'), /connection error: the server closed the connection mid-answer/],
    ['with garbage', (s: Socket) => s.write('<html>502 Bad Gateway</html>\r\n\r\n'), /connection error: malformed HTTP answer: bad status line/],
  ])('fails a request whose server closes %s as transient, and recovers on a new connection', async (_n, misbehave, message) => {
    let first = true;
    const { server, http } = await setUp((_r, s) => {
      if (first) misbehave(s);
      else s.write(OK);
      first = false;
    });
    const err = await rejection(post(http, server.url));
    expect(err.kind).toBe('transient');
    expect(err.message).toMatch(message);
    expect((await post(http, server.url)).status).toBe(200);
    expect(server.connections).toHaveLength(2);
  });

  it('fails a refused connection as transient, the credential redacted', async () => {
    const { server } = await setUp(() => undefined);
    const url = server.url.replace(/:\d+\//, ':1/');
    const http = new HttpClient();
    open.push(http);
    const err = await rejection(http.post(url, { headers: HEADERS, body: 'sk-secret' }, { signal: new AbortController().signal, redact }));
    expect(err.kind).toBe('transient');
    expect(err.message).toMatch(/^connection error: connect ECONNREFUSED 127\.0\.0\.1:1/);
  });

  it('rejects an aborted request with its reason and closes its connection', async () => {
    const { server, http } = await setUp(() => undefined);
    const stop = new AbortController();
    const pending = post(http, server.url, stop.signal);
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    const closed = new Promise((ok) => server.connections[0]!.once('close', ok));
    stop.abort(new Error('client-timeout'));
    await expect(pending).rejects.toThrow('client-timeout');
    await closed;
  });

  it('refuses a header value that could end its line, without quoting it', async () => {
    const { server, http } = await setUp((_r, s) => s.write(OK));
    const err = await rejection(
      http.post(server.url, { headers: { authorization: 'Bearer sk-secret\r\nx-injected: 1' }, body: '' }, { signal: new AbortController().signal, redact }),
    );
    expect(err.kind).toBe('fatal');
    expect(err.message).toBe("cannot send the request: the value of header 'authorization' holds a line break, a control or a non-ASCII character");
    expect(server.requests).toHaveLength(0);
  });

  it('fails the requests in flight when closed, and refuses new ones', async () => {
    const { server, http } = await setUp(() => undefined);
    const pending = post(http, server.url);
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    await http.close();
    expect((await rejection(pending)).message).toMatch(/the HTTP client closed/);
    expect((await rejection(post(http, server.url))).message).toMatch(/the HTTP client is closed/);
  });

  it('speaks TLS with SNI, verifying the server against the trusted certificates', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'predictd-tls-'));
    open.push({ close: async () => rmSync(dir, { recursive: true, force: true }) });
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost'], { stdio: 'ignore' });
    const { readFileSync } = await import('node:fs');
    const server = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => res.end(JSON.stringify({ servername: (req.socket as { servername?: string }).servername, alpn: (req.socket as { alpnProtocol?: string | false }).alpnProtocol, body })));
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    open.push({ close: () => new Promise<void>((ok) => server.close(() => ok())) });
    const url = `https://localhost:${(server.address() as { port: number }).port}/v1/embeddings`;

    // Not trusted: the handshake fails and says why.
    const http = new HttpClient();
    open.push(http);
    const err = await rejection(post(http, url));
    expect(err.kind).toBe('transient');
    expect(err.message).toMatch(/self[- ]signed certificate/);

    // Trusted (NODE_EXTRA_CA_CERTS, read at start-up): a child process posts over TLS.
    const script = join(dir, 'post.mts');
    writeFileSync(
      script,
      `import { HttpClient } from ${JSON.stringify(join(ROOT, 'src/providers/http/http-client.ts'))};
       const http = new HttpClient();
       const a = await http.post(process.argv[2], { headers: { 'content-type': 'application/json' }, body: '{"input":"x"}' }, { signal: new AbortController().signal, redact: (t) => t });
       console.log(a.status, a.text);
       await http.close();`,
    );
    const out = await new Promise<string>((ok, fail) =>
      execFile(process.execPath, ['--import', 'tsx', script, url], { cwd: ROOT, env: { ...process.env, NODE_EXTRA_CA_CERTS: cert } }, (e, stdout, stderr) => (e ? fail(new Error(stderr)) : ok(stdout))),
    );
    expect(out.trim()).toBe('200 {"servername":"localhost","alpn":"http/1.1","body":"{\\"input\\":\\"x\\"}"}');
  });
});

describe('HttpClient on a server out of step', () => {
  it.each([
    ['a body longer than its length', '{"ok":true}!!'],
    ['a stray line end', '{"ok":true}\r\n'],
    ['the start of another answer', '{"ok":true}HTTP/1.1 500 EVIL\r\nContent-Le'],
  ])('takes the answer, but never reuses a connection with bytes left after it: %s', async (_n, tail) => {
    let first = true;
    const { server, http } = await setUp((_r, s) => {
      s.write(first ? `HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n${tail}` : 'HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n"mine"');
      first = false;
    });
    expect((await post(http, server.url)).text).toBe('{"ok":true}');
    expect((await post(http, server.url)).text).toBe('"mine"');
    expect(server.connections).toHaveLength(2);
  });

  it('closes a connection answered before its request was written whole', async () => {
    // The server answers 413 on the head alone, and reads nothing more on that connection.
    const connections: Socket[] = [];
    const server = createServer((socket) => {
      connections.push(socket);
      socket.on('error', () => undefined);
      let head = '';
      const onData = (chunk: Buffer) => {
        head += chunk.toString('latin1');
        if (!head.includes('\r\n\r\n')) return;
        socket.off('data', onData);
        if (connections.length === 1) {
          socket.pause();
          socket.write('HTTP/1.1 413 Payload Too Large\r\nContent-Length: 2\r\n\r\n{}');
        } else {
          socket.on('data', () => undefined);
          socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]');
        }
      };
      socket.on('data', onData);
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    open.push({ close: () => (connections.forEach((s) => s.destroy()), new Promise<void>((ok) => server.close(() => ok()))) });
    const http = new HttpClient();
    open.push(http);
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/invocations`;
    const large = 'x'.repeat(16 * 1024 * 1024);
    const first = await post(http, url, undefined, large);
    expect([first.status, first.text]).toEqual([413, '{}']);
    const second = await post(http, url);
    expect([second.status, second.text]).toEqual([200, '[]']);
    expect(connections).toHaveLength(2);
  });

  it('accepts a status line without reason phrase, and passes over a 100 Continue', async () => {
    const { server, http } = await setUp((_r, s) => s.write('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200\r\nContent-Length: 2\r\n\r\n{}'));
    const answer = await post(http, server.url);
    expect([answer.status, answer.text]).toEqual([200, '{}']);
    expect((await post(http, server.url)).status).toBe(200);
    expect(server.connections).toHaveLength(1);
  });

  it('sends the host a signature covers: no default port, IPv6 brackets kept', async () => {
    const { server, http } = await setUp((_r, s) => s.write(OK));
    const port = new URL(server.url).port;
    await post(http, `http://[::ffff:127.0.0.1]:${port}/v1/embeddings`);
    expect(server.requests[0]).toMatch(new RegExp(`^POST /v1/embeddings HTTP/1\\.1\\r\\nhost: \\[::ffff:7f00:1\\]:${port}\\r\\n`));
  });
});
