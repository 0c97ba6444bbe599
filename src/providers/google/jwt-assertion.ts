import { sign } from 'node:crypto';
import type { ServiceAccountKey } from './service-account-key.js';

/** The longest assertion Google accepts: "Token must be a short-lived token (60 minutes)". */
const ASSERTION_LIFETIME_S = 3600;

/**
 * The RS256-signed JWT of the OAuth2 JWT bearer grant (wire-formats §7.3, google-auth-library's
 * `_make_authorization_grant_assertion`): `iss` the service account, `aud` the key's token URI,
 * `scope` space-separated, `iat`/`exp` from `nowMs` (the caller's clock) one hour apart.
 */
export function jwtAssertion(key: ServiceAccountKey, scopes: readonly string[], nowMs: number): string {
  const iat = Math.floor(nowMs / 1000);
  const header = key.privateKeyId === undefined ? { alg: 'RS256', typ: 'JWT' } : { alg: 'RS256', typ: 'JWT', kid: key.privateKeyId };
  const claims = { iss: key.clientEmail, scope: scopes.join(' '), aud: key.tokenUri, iat, exp: iat + ASSERTION_LIFETIME_S };
  const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = sign('sha256', Buffer.from(unsigned), key.privateKey);
  return `${unsigned}.${signature.toString('base64url')}`;
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
