import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** SigV4 verification for the Bedrock emulator: the signature is recomputed from the raw request (not the client's signer). */

export interface EmulatorCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Temporary credentials: requests must carry this X-Amz-Security-Token. */
  readonly sessionToken?: string;
}

/** An AWS error as the emulator answers it (`x-amzn-ErrorType` code, `{ message }` body). */
export interface Fail {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface BedrockAuthOptions {
  readonly credentials?: readonly EmulatorCredentials[];
  readonly apiKeys?: readonly string[];
  readonly region?: string;
  /** The signing name signatures must be scoped to. Default `bedrock` (SageMaker's emulator: `sagemaker`). */
  readonly service?: string;
  readonly now?: () => number;
}

export interface SignedRequest {
  readonly method: string;
  readonly rawUrl: string;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
}

const DEFAULT_CREDENTIALS: readonly EmulatorCredentials[] = [{ accessKeyId: 'AKIDEMULATOR', secretAccessKey: 'emulator-secret' }];
const SKEW_MS = 5 * 60 * 1000;
const INVALID_TOKEN = 'The security token included in the request is invalid.';

/** How the request proved itself ('bearer' API key or a verified 'sigv4' signature), or the 403 AWS would send. */
export function authenticate(request: SignedRequest, opts: BedrockAuthOptions): Fail | 'bearer' | 'sigv4' {
  const { method, rawUrl, headers, rawHeaders, body } = request;
  const authorization = headers['authorization'];
  const forbidden = (code: string, message: string): Fail => ({ status: 403, code, message });
  if (!authorization) return forbidden('MissingAuthenticationTokenException', 'Missing Authentication Token');
  if (/^Bearer\s/i.test(authorization)) {
    return (opts.apiKeys ?? []).includes(authorization.slice(7).trim()) ? 'bearer' : forbidden('UnrecognizedClientException', INVALID_TOKEN);
  }
  const m = /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(authorization.trim());
  if (!m) return forbidden('IncompleteSignatureException', `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.`);
  const [accessKeyId, date, region, service, terminator] = m[1]!.split('/');
  const signedHeaders = m[2]!;
  const creds = (opts.credentials ?? DEFAULT_CREDENTIALS).find((c) => c.accessKeyId === accessKeyId);
  if (!creds) return forbidden('UnrecognizedClientException', INVALID_TOKEN);
  if ((headers['x-amz-security-token'] ?? '') !== (creds.sessionToken ?? '')) return forbidden('UnrecognizedClientException', INVALID_TOKEN);
  const amzDate = headers['x-amz-date'] ?? '';
  const names = signedHeaders.split(';');
  if (!names.includes('host') || !names.includes('x-amz-date') || (creds.sessionToken && !names.includes('x-amz-security-token'))) {
    return forbidden('InvalidSignatureException', `'Host', 'X-Amz-Date' and 'X-Amz-Security-Token' must be signed. SignedHeaders=${signedHeaders}`);
  }
  const when = parseAmzDate(amzDate);
  const now = (opts.now ?? Date.now)();
  if (when === undefined) return forbidden('IncompleteSignatureException', `Date must be in ISO-8601 'basic format'. Got '${amzDate}'.`);
  if (Math.abs(now - when) > SKEW_MS) {
    return forbidden('InvalidSignatureException', `Signature expired: ${amzDate} is now earlier than ${toAmzDate(new Date(now - SKEW_MS))} (${toAmzDate(new Date(now))} - 5 min.)`);
  }
  if (date !== amzDate.slice(0, 8) || terminator !== 'aws4_request') return forbidden('InvalidSignatureException', 'Credential should be scoped to a valid date.');
  if (region !== (opts.region ?? 'us-east-1')) return forbidden('InvalidSignatureException', `Credential should be scoped to a valid region. `);
  const expectedService = opts.service ?? 'bedrock';
  if (service !== expectedService) return forbidden('InvalidSignatureException', `Credential should be scoped to correct service: '${expectedService}'. `);

  const canonical = canonicalRequest(method, rawUrl, names, rawHeaders, body);
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, `${date}/${region}/${service}/aws4_request`, hex(canonical)].join('\n');
  let key: Buffer = createHmac('sha256', `AWS4${creds.secretAccessKey}`).update(date!).digest();
  for (const part of [region!, service!, 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  const expected = createHmac('sha256', key).update(stringToSign).digest();
  if (!timingSafeEqual(expected, Buffer.from(m[3]!, 'hex'))) {
    return forbidden(
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. ' +
        `Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'${canonical}'\n\nThe String-to-Sign should have been\n'${stringToSign}'\n`,
    );
  }
  return 'sigv4';
}

/** The canonical request AWS computes (non-S3): path normalised and encoded again, query sorted, signed headers folded. */
function canonicalRequest(method: string, rawUrl: string, names: readonly string[], rawHeaders: readonly string[], body: Buffer): string {
  const qIndex = rawUrl.indexOf('?');
  const path = qIndex < 0 ? rawUrl : rawUrl.slice(0, qIndex);
  const query = qIndex < 0 ? '' : rawUrl.slice(qIndex + 1);
  const segments = path.split('/').filter((s) => s !== '' && s !== '.');
  const uri = quote(`/${segments.join('/')}`);
  const pairs = query === '' ? [] : query.split('&').map((p) => (p.includes('=') ? p : `${p}=`));
  pairs.sort();
  const values = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    values.set(name, [...(values.get(name) ?? []), rawHeaders[i + 1]!.trim().replace(/\s+/g, ' ')]);
  }
  const canonicalHeaders = names.map((n) => `${n}:${(values.get(n) ?? []).join(',')}\n`).join('');
  return [method, uri, pairs.join('&'), canonicalHeaders, names.join(';'), hex(body)].join('\n');
}

function quote(path: string): string {
  return [...Buffer.from(path, 'utf8')].map((b) => (/[A-Za-z0-9_.~\-/]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

function hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function parseAmzDate(text: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : undefined;
}

function toAmzDate(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}
