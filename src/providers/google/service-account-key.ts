import { createPrivateKey, type KeyObject } from 'node:crypto';
import { parseJson, isRecord } from '../parse-json.js';

/** Where Google's token endpoint is when a key names none (wire-formats §7.3). */
export const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';

/** The parts of a service-account key file (`"type": "service_account"`) the JWT bearer grant needs. */
export interface ServiceAccountKey {
  readonly clientEmail: string;
  readonly privateKey: KeyObject;
  readonly privateKeyId: string | undefined;
  readonly tokenUri: string;
}

/**
 * Reads a service-account key JSON. Problems never quote the text: it holds the private key, and
 * a problem ends up in job errors and logs.
 */
export function parseServiceAccountKey(text: string): ServiceAccountKey | { readonly problem: string } {
  const json = parseJson(text.trim());
  if (!isRecord(json)) return { problem: 'the service account key is not a JSON object (write the key file\'s content, or \'${file:/path/key.json}\')' };
  if (json['type'] !== undefined && json['type'] !== 'service_account') {
    return { problem: `the key is of type '${String(json['type'])}', not 'service_account'` };
  }
  const email = json['client_email'];
  const pem = json['private_key'];
  if (typeof email !== 'string' || email.length === 0) return { problem: "the service account key has no 'client_email'" };
  if (typeof pem !== 'string' || pem.length === 0) return { problem: "the service account key has no 'private_key'" };
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    return { problem: "the service account key's 'private_key' is not a readable PEM private key" };
  }
  if (privateKey.asymmetricKeyType !== 'rsa') return { problem: "the service account key's 'private_key' is not an RSA key (RS256 needs one)" };
  const tokenUri = typeof json['token_uri'] === 'string' && json['token_uri'].length > 0 ? json['token_uri'] : GOOGLE_TOKEN_URI;
  if (!/^https?:\/\//.test(tokenUri)) return { problem: "the service account key's 'token_uri' is not an http(s) URL" };
  const keyId = json['private_key_id'];
  return { clientEmail: email, privateKey, privateKeyId: typeof keyId === 'string' ? keyId : undefined, tokenUri };
}
