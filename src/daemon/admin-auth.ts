import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';

/** Who may change things (PUT/POST) on the admin server. */
export interface AdminAuth {
  /** `admin.token`: when set, every mutating request must carry it as a bearer token. */
  readonly token?: string;
  /** The server listens on a loopback address only: without a token, only local processes can reach it. */
  readonly loopbackOnly: boolean;
}

/** True for 127.0.0.0/8, ::1 and their IPv4-mapped forms; 0.0.0.0 / :: (every interface) are not loopback. */
export function isLoopbackAddress(address: string): boolean {
  const a = address.replace(/^\[|\]$/g, '').toLowerCase();
  if (a === 'localhost') return true;
  const v4 = a.startsWith('::ffff:') ? a.slice(7) : a;
  if (isIP(v4) === 4) return v4.startsWith('127.');
  return a === '::1' || a === '0:0:0:0:0:0:0:1';
}

/**
 * Kafka Connect keeps its REST API open and leaves securing it to the deployment; a daemon that
 * can be told to stop reading needs a rule of its own: a token when one is set (also on
 * loopback), else loopback only. Returns why a request is refused, or undefined when allowed.
 */
export function refusal(headers: IncomingHttpHeaders, auth: AdminAuth): string | undefined {
  if (auth.token) {
    return bearerMatches(headers.authorization, auth.token) ? undefined : 'this request needs the admin token: Authorization: Bearer <admin.token>';
  }
  if (auth.loopbackOnly) return undefined;
  return 'the admin server listens on a non-loopback address and admin.token is not set: requests that change a job are refused';
}

/**
 * Compared in constant time over SHA-256 digests, so neither the token's length nor a prefix
 * leaks through timing; timingSafeEqual needs equal lengths, which digests always have.
 */
function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  const given = createHash('sha256').update(m ? m[1]!.trim() : '').digest();
  const expected = createHash('sha256').update(token).digest();
  return timingSafeEqual(given, expected) && m !== null;
}
