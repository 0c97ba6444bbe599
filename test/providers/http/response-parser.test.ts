import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES, MAX_HEAD_BYTES, MalformedAnswerError, ResponseParser, parseFields, type ParsedAnswer } from '../../../src/providers/http/response-parser.js';

const CONTENT_LENGTH = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"a":"é!"}';
const CHUNKED =
  'HTTP/1.1 429 Too Many Requests\r\nTransfer-Encoding: chunked\r\nRetry-After: 2\r\nKeep-Alive: timeout=5\r\n\r\n' +
  '5;name=value\r\n{"err\r\n' +
  '7\r\nor":42}\r\n' +
  '0\r\nX-Trailer: ignored\r\n\r\n';

/** Feeds `wire` cut at the given offsets; returns the answers in order. */
function feed(wire: Buffer, cuts: number[] = []): ParsedAnswer[] {
  const parser = new ResponseParser();
  const answers: ParsedAnswer[] = [];
  let from = 0;
  for (const at of [...cuts, wire.length]) {
    parser.feed(wire.subarray(from, at), (a) => answers.push(a));
    from = at;
  }
  expect(parser.idle).toBe(true);
  return answers;
}

function view(a: ParsedAnswer) {
  return { status: a.status, body: a.body.toString('utf8'), reusable: a.reusable, keepAliveMs: a.keepAliveMs };
}

describe('ResponseParser', () => {
  it.each([
    ['content-length', CONTENT_LENGTH, { status: 200, body: '{"a":"é!"}', reusable: true, keepAliveMs: undefined }],
    ['chunked, with an extension and a trailer', CHUNKED, { status: 429, body: '{"error":42}', reusable: true, keepAliveMs: 5000 }],
  ])('frames a %s body cut at every byte, and at every pair of bytes', (_name, text, expected) => {
    const wire = Buffer.from(text, 'utf8');
    expect(feed(wire).map(view)).toEqual([expected]);
    for (let i = 1; i < wire.length; i++) {
      expect(feed(wire, [i]).map(view), `cut at ${i}`).toEqual([expected]);
      expect(feed(wire, [i, Math.min(wire.length, i + 1 + (i % 7))]).map(view), `cut at ${i} and after`).toEqual([expected]);
    }
  });

  it('frames answers arriving back to back on one connection', () => {
    const wire = Buffer.from(CONTENT_LENGTH + CHUNKED + 'HTTP/1.1 204 No Content\r\n\r\n' + 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    expect(feed(wire).map((a) => [a.status, a.body.toString()])).toEqual([
      [200, '{"a":"é!"}'],
      [429, '{"error":42}'],
      [204, ''],
      [200, ''],
    ]);
  });

  it('passes over interim answers (100 Continue, 103 Early Hints)', () => {
    const wire = Buffer.from('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n' + CONTENT_LENGTH);
    expect(feed(wire).map((a) => a.status)).toEqual([200]);
  });

  it('reads a body without length up to the close, and marks the connection spent', () => {
    const parser = new ResponseParser();
    const answers: ParsedAnswer[] = [];
    parser.feed(Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhello '), (a) => answers.push(a));
    parser.feed(Buffer.from('world'), (a) => answers.push(a));
    expect(answers).toEqual([]);
    expect(parser.idle).toBe(false);
    const last = parser.end()!;
    expect(view(last)).toEqual({ status: 200, body: 'hello world', reusable: false, keepAliveMs: undefined });
  });

  it('returns nothing at the close when an answer was cut short', () => {
    const parser = new ResponseParser();
    parser.feed(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'), () => expect.unreachable());
    expect(parser.idle).toBe(false);
    expect(parser.end()).toBeUndefined();
  });

  it.each([
    ['HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n', false],
    ['HTTP/1.1 200 OK\r\nConnection: Keep-Alive, Close\r\nContent-Length: 0\r\n\r\n', false],
    ['HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n', false],
    ['HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n', true],
    ['HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n', true],
    ['HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', false],
    ['HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', false],
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n00000002\r\n{}\r\n000\r\n\r\n', true],
  ])('tells whether the connection may carry another request: %j', (text, reusable) => {
    expect(feed(Buffer.from(text))[0]!.reusable).toBe(reusable);
  });

  it.each([
    ['a status line that is not HTTP/1.x', 'SSH-2.0-OpenSSH_9.6\r\n\r\n', /bad status line "SSH-2.0-OpenSSH_9.6"/],
    ['an HTML error page without status line', '<html><body>502 Bad Gateway</body></html>\r\n\r\n', /bad status line/],
    ['conflicting lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nabcde', /bad content-length "5, 6"/],
    ['a negative length', 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', /bad content-length/],
    ['a bad chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', /bad chunk size "zz"/],
    ['a chunk longer than its size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n', /a chunk not followed by CRLF/],
    ['a status code below 100', 'HTTP/1.1 099 Odd\r\n\r\n', /bad status line/],
    ['a protocol switch', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n', /101 Switching Protocols/],
    ['a body over the limit', `HTTP/1.1 200 OK\r\nContent-Length: ${MAX_BODY_BYTES + 1}\r\n\r\n`, /body larger than/],
  ])('refuses %s', (_name, text, message) => {
    expect(() => feed(Buffer.from(text))).toThrow(MalformedAnswerError);
    expect(() => feed(Buffer.from(text))).toThrow(message);
  });

  it('refuses a head that never ends, once it passes the limit', () => {
    const parser = new ResponseParser();
    const line = Buffer.from(`X-Filler: ${'x'.repeat(1000)}\r\n`);
    parser.feed(Buffer.from('HTTP/1.1 200 OK\r\n'), () => undefined);
    let fed = 0;
    expect(() => {
      for (; fed < 2 * MAX_HEAD_BYTES; fed += line.length) parser.feed(line, () => undefined);
    }).toThrow(/head longer than/);
    expect(fed).toBeGreaterThan(MAX_HEAD_BYTES - line.length);
  });

  it('parses the fields only when read: names lower-case, repeated ones in order', () => {
    const [answer] = feed(Buffer.from('HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nX-Request-Id:  r1 \r\nset-cookie: b=2\r\nContent-Length: 0\r\n\r\n'));
    expect(parseFields(answer!.head)).toEqual({ 'set-cookie': ['a=1', 'b=2'], 'x-request-id': 'r1', 'content-length': '0' });
  });
});
