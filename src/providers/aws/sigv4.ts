import { createHash, createHmac } from 'node:crypto';
import type { AwsCredentials } from './aws-credentials.js';

/**
 * AWS Signature Version 4 for request headers, as botocore's `SigV4Auth` does it
 * (provider-wire-formats.md §4.1): X-Amz-Date and, with temporary credentials,
 * X-Amz-Security-Token are added and signed; every header present is signed except the ones
 * botocore leaves out; `host` is added; the payload hash is SHA-256 of the body. Like botocore
 * for non-S3 services no `x-amz-content-sha256` header is added, but one the caller sets is
 * signed like any other header. Verified against the AWS SigV4 test suite in sigv4.test.ts.
 */


export interface SigV4Request {
  readonly method: string;
  /** The URL as sent: the path already encoded by the service's URI rules (e.g. `%3A` in a Bedrock model id). */
  readonly url: URL;
  /** Headers the request will carry (names in any case). `host` is derived from the URL. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array;
}

export interface SigV4Scope {
  readonly region: string;
  /** Signing name, e.g. `bedrock` (not the endpoint prefix `bedrock-runtime`). */
  readonly service: string;
}

export interface SignedRequest {
  /** The caller's headers plus x-amz-date, x-amz-security-token and authorization. */
  readonly headers: Readonly<Record<string, string>>;
  readonly canonicalRequest: string;
  readonly stringToSign: string;
  readonly signedHeaders: string;
  readonly signature: string;
}

/** Headers botocore never signs (`SIGNED_HEADERS_BLACKLIST`): proxies and clients may change them. */
const UNSIGNED = new Set([
  'authorization',
  'connection',
  'expect',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'user-agent',
  'x-amzn-trace-id',
]);

export function signSigV4(request: SigV4Request, credentials: AwsCredentials, scope: SigV4Scope, now: Date): SignedRequest {
  const amzDate = toAmzDate(now);
  const date = amzDate.slice(0, 8);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    const lower = name.toLowerCase();
    if (lower === 'x-amz-date' || lower === 'x-amz-security-token' || lower === 'authorization') continue;
    headers[name] = value;
  }
  headers['x-amz-date'] = amzDate;
  if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;

  const toSign = new Map<string, string[]>();
  toSign.set('host', [request.url.host]);
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (UNSIGNED.has(lower) || lower === 'host') continue;
    toSign.set(lower, [...(toSign.get(lower) ?? []), value]);
  }
  const names = [...toSign.keys()].sort();
  const signedHeaders = names.join(';');
  const canonicalHeaders = names.map((n) => `${n}:${toSign.get(n)!.map(normalizeHeaderValue).join(',')}\n`).join('');
  const canonicalRequest = [
    request.method.toUpperCase(),
    canonicalUri(request.url.pathname),
    canonicalQuery(request.url.search),
    canonicalHeaders,
    signedHeaders,
    sha256Hex(request.body),
  ].join('\n');
  const credentialScope = `${date}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, credentialScope, sha256Hex(canonicalRequest)].join('\n');
  const signature = createHmac('sha256', signingKey(credentials.secretAccessKey, date, scope.region, scope.service)).update(stringToSign).digest('hex');
  headers['authorization'] =
    `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { headers, canonicalRequest, stringToSign, signedHeaders, signature };
}

/** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"). */
export function signingKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  const kDate = createHmac('sha256', `AWS4${secretAccessKey}`).update(date).digest();
  const kRegion = createHmac('sha256', kDate).update(region).digest();
  const kService = createHmac('sha256', kRegion).update(service).digest();
  return createHmac('sha256', kService).update('aws4_request').digest();
}

/** `YYYYMMDDTHHMMSSZ`. */
export function toAmzDate(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * botocore (non-S3): dot segments and empty segments removed, then `quote(path, safe='/~')`.
 * The path is encoded once more even where it already holds `%XX`: a Bedrock model id
 * `...-v1:0` travels as `...-v1%3A0` and is signed as `...-v1%253A0`.
 */
export function canonicalUri(path: string): string {
  const segments = path.split('/');
  const out: string[] = [];
  for (const s of segments) {
    if (s === '' || s === '.') continue;
    if (s === '..') out.pop();
    else out.push(s);
  }
  const normalized = `/${out.join('/')}${path.endsWith('/') && out.length > 0 ? '/' : ''}`;
  return uriEncode(normalized, '/~');
}

/** Pairs of the already-encoded query sorted by key, then value (botocore `_canonical_query_string_url`). */
export function canonicalQuery(search: string): string {
  const query = search.startsWith('?') ? search.slice(1) : search;
  if (query === '') return '';
  const pairs = query.split('&').map((part) => {
    const eq = part.indexOf('=');
    return eq < 0 ? ([part, ''] as const) : ([part.slice(0, eq), part.slice(eq + 1)] as const);
  });
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/** Python's `quote(text, safe)`: UTF-8 bytes, unreserved characters and `safe` kept, everything else `%XX`. */
export function uriEncode(text: string, safe = ''): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (/[A-Za-z0-9_.~-]/.test(ch) || (safe.includes(ch) && byte < 0x80)) out += ch;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Leading/trailing space trimmed and runs of whitespace folded to one space (botocore `' '.join(value.split())`). */
function normalizeHeaderValue(value: string): string {
  return value.trim().split(/\s+/).join(' ');
}
