/** An answer's header fields: names lower-case, a repeated field kept as an array in arrival order. */
export type AnswerFields = Readonly<Record<string, string | string[]>>;

/** One whole HTTP/1.1 answer off a connection. */
export interface ParsedAnswer {
  readonly status: number;
  /** The status line and fields, as received (see parseFields). */
  readonly head: string;
  readonly body: Buffer;
  /** The connection may carry another request (HTTP/1.1 without `Connection: close`, framed body). */
  readonly reusable: boolean;
  /** The server's idle limit for the connection (`Keep-Alive: timeout=N`), when it names one. */
  readonly keepAliveMs: number | undefined;
}

/** The bytes on the connection are not an HTTP/1.1 answer, or exceed a limit: the connection is unusable. */
export class MalformedAnswerError extends Error {
  constructor(message: string) {
    super(`malformed HTTP answer: ${message}`);
    this.name = 'MalformedAnswerError';
  }
}

/** A status line and its fields: four times the 16 KiB that Node's http and undici accept by default. */
export const MAX_HEAD_BYTES = 64 * 1024;
/** The largest answer body kept (an embedding batch of 2,048 x 3,072 floats as JSON is about 80 MB). */
export const MAX_BODY_BYTES = 256 * 1024 * 1024;
/** A chunk-size line or a trailer field. */
const MAX_LINE_BYTES = 8 * 1024;

const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
/** The reason phrase may be empty, and its space too: `HTTP/1.1 200` alone is accepted, as llhttp does. */
const STATUS_LINE = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: |\r|$)/;
const CHUNK_SIZE = /^0*[0-9A-Fa-f]{1,8}(?:[ \t]*;.*)?$/;
const DIGITS = /^\d{1,15}$/;
const KEEP_ALIVE_TIMEOUT = /(?:^|[,;\s])timeout=(\d+)/i;

type State = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailers' | 'until-close';

/**
 * Frames the HTTP/1.1 answers arriving on one connection (RFC 9112 section 6): a head up to the
 * blank line, then a body by Content-Length, in chunks (Transfer-Encoding: chunked), or up to the
 * connection's close. Interim (1xx) answers are passed over. Bytes are fed as they arrive, split
 * anywhere; each whole answer is handed to `onAnswer`. Anything else throws MalformedAnswerError
 * and leaves the parser unusable: the connection it reads is to be destroyed.
 */
export class ResponseParser {
  #state: State = 'head';
  /** Bytes of a head or a line not complete yet. */
  #held: Buffer | undefined;
  /** Body bytes still expected of the Content-Length or of the current chunk. */
  #remaining = 0;
  #status = 0;
  #head = '';
  #reusable = false;
  #keepAliveMs: number | undefined;
  #body: Buffer[] = [];
  #bodyBytes = 0;

  /** Between answers, holding no byte of a next one. */
  get idle(): boolean {
    return this.#state === 'head' && this.#held === undefined;
  }

  feed(chunk: Buffer, onAnswer: (answer: ParsedAnswer) => void): void {
    let data = chunk;
    if (this.#held) {
      data = Buffer.concat([this.#held, chunk]);
      this.#held = undefined;
    }
    let at = 0;
    while (at < data.length) {
      switch (this.#state) {
        case 'head': {
          const end = data.indexOf(HEAD_END, at);
          if (end < 0 || end - at > MAX_HEAD_BYTES) {
            if (data.length - at > MAX_HEAD_BYTES) throw new MalformedAnswerError(`head longer than ${MAX_HEAD_BYTES} bytes`);
            this.#held = data.subarray(at);
            return;
          }
          const head = data.toString('latin1', at, end);
          at = end + 4;
          if (this.#readHead(head)) this.#complete(onAnswer);
          break;
        }
        case 'length':
        case 'chunk-data': {
          const n = Math.min(this.#remaining, data.length - at);
          this.#take(data.subarray(at, at + n));
          at += n;
          this.#remaining -= n;
          if (this.#remaining > 0) break;
          if (this.#state === 'length') this.#complete(onAnswer);
          else this.#state = 'chunk-end';
          break;
        }
        case 'chunk-end': {
          if (data.length - at < 2) {
            this.#held = data.subarray(at);
            return;
          }
          if (data[at] !== 13 || data[at + 1] !== 10) throw new MalformedAnswerError('a chunk not followed by CRLF');
          at += 2;
          this.#state = 'chunk-size';
          break;
        }
        case 'chunk-size':
        case 'trailers': {
          const eol = data.indexOf('\r\n', at, 'latin1');
          if (eol < 0) {
            if (data.length - at > MAX_LINE_BYTES) throw new MalformedAnswerError(`a chunk line longer than ${MAX_LINE_BYTES} bytes`);
            this.#held = data.subarray(at);
            return;
          }
          const line = data.toString('latin1', at, eol);
          at = eol + 2;
          if (this.#state === 'trailers') {
            // Trailer fields are read past: no provider sends any that matter.
            if (line === '') this.#complete(onAnswer);
            break;
          }
          if (!CHUNK_SIZE.test(line)) throw new MalformedAnswerError(`bad chunk size ${JSON.stringify(line.slice(0, 40))}`);
          const size = parseInt(line, 16);
          if (size === 0) this.#state = 'trailers';
          else {
            this.#limitBody(size);
            this.#remaining = size;
            this.#state = 'chunk-data';
          }
          break;
        }
        case 'until-close': {
          this.#take(at === 0 ? data : data.subarray(at));
          at = data.length;
          break;
        }
      }
    }
  }

  /**
   * The connection closed. An answer read up to the close is whole now and returned; otherwise
   * undefined (nothing was being read, or an answer was cut short: see `idle`).
   */
  end(): ParsedAnswer | undefined {
    if (this.#state !== 'until-close') return undefined;
    const answer = this.#answer();
    this.#reset();
    return answer;
  }

  /**
   * Reads a status line and the fields that frame the body; true when the answer has no body (it
   * is whole). The other fields are parsed only if read (parseFields): a 2xx answer's never are.
   */
  #readHead(head: string): boolean {
    const status = STATUS_LINE.exec(head);
    if (!status) throw new MalformedAnswerError(`bad status line ${JSON.stringify(head.split('\r\n', 1)[0]!.slice(0, 60))}`);
    const code = Number(status[2]);
    // An interim answer (100 Continue, 103 Early Hints) precedes the real one.
    if (code >= 100 && code < 200) {
      if (code === 101) throw new MalformedAnswerError('101 Switching Protocols to a POST');
      return false;
    }
    this.#status = code;
    this.#head = head;
    this.#body = [];
    this.#bodyBytes = 0;
    const lower = head.toLowerCase();
    const connection = tokens(field(lower, 'connection'));
    const http10 = status[1] === '0';
    this.#reusable = http10 ? connection.includes('keep-alive') : !connection.includes('close');
    const timeout = KEEP_ALIVE_TIMEOUT.exec(field(lower, 'keep-alive') ?? '');
    this.#keepAliveMs = timeout ? Number(timeout[1]) * 1000 : undefined;

    if (code === 204 || code === 304) return true;
    const coding = tokens(field(lower, 'transfer-encoding'));
    if (coding.length > 0) {
      // Transfer-Encoding from an HTTP/1.0 server, or next to a Content-Length, is faulty framing
      // (RFC 9112 section 6.1 and 6.3): the answer is read, the connection not used again.
      if (http10 || field(lower, 'content-length') !== undefined) this.#reusable = false;
      if (coding[coding.length - 1] === 'chunked') this.#state = 'chunk-size';
      else this.#untilClose();
      return false;
    }
    const length = field(lower, 'content-length');
    if (length !== undefined) {
      // Repeated fields arrive joined: "10, 10" is one length, "10, 12" none.
      const values = length.split(',').map((v) => v.trim());
      if (!values.every((v) => v === values[0]) || !DIGITS.test(values[0]!)) {
        throw new MalformedAnswerError(`bad content-length ${JSON.stringify(length.slice(0, 40))}`);
      }
      const size = Number(values[0]);
      if (size === 0) return true;
      this.#limitBody(size);
      this.#remaining = size;
      this.#state = 'length';
      return false;
    }
    this.#untilClose();
    return false;
  }

  #untilClose(): void {
    this.#state = 'until-close';
    this.#reusable = false;
  }

  #take(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.#limitBody(bytes.length);
    this.#bodyBytes += bytes.length;
    this.#body.push(bytes);
  }

  #limitBody(more: number): void {
    if (this.#bodyBytes + more > MAX_BODY_BYTES) throw new MalformedAnswerError(`body larger than ${MAX_BODY_BYTES} bytes`);
  }

  #complete(onAnswer: (answer: ParsedAnswer) => void): void {
    const answer = this.#answer();
    this.#reset();
    onAnswer(answer);
  }

  #answer(): ParsedAnswer {
    const parts = this.#body;
    const body = parts.length === 1 ? parts[0]! : Buffer.concat(parts, this.#bodyBytes);
    return { status: this.#status, head: this.#head, body, reusable: this.#reusable, keepAliveMs: this.#keepAliveMs };
  }

  #reset(): void {
    this.#state = 'head';
    this.#body = [];
    this.#bodyBytes = 0;
    this.#head = '';
  }
}

/**
 * An answer's fields from its head: names lower-case, a repeated field kept as an array in arrival
 * order. Lines without a colon are passed over (the framing fields were checked already).
 */
export function parseFields(head: string): AnswerFields {
  const fields: Record<string, string | string[]> = {};
  const lines = head.split('\r\n');
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const had = fields[name];
    if (had === undefined) fields[name] = value;
    else if (typeof had === 'string') fields[name] = [had, value];
    else had.push(value);
  }
  return fields;
}

/** A field's value in a lower-cased head, repeated ones joined with ', '; undefined when absent. */
function field(lowerHead: string, name: string): string | undefined {
  const key = `\r\n${name}:`;
  let at = lowerHead.indexOf(key);
  if (at < 0) return undefined;
  let value: string | undefined;
  while (at >= 0) {
    const from = at + key.length;
    const end = lowerHead.indexOf('\r\n', from);
    const one = lowerHead.slice(from, end < 0 ? undefined : end).trim();
    value = value === undefined ? one : `${value}, ${one}`;
    at = lowerHead.indexOf(key, from);
  }
  return value;
}

/** A comma-separated field's tokens (already lower-case). */
function tokens(text: string | undefined): string[] {
  if (!text) return [];
  return text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
}
