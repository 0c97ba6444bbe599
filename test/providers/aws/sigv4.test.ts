import { describe, expect, it } from 'vitest';
import { canonicalUri, sha256Hex, signSigV4, signingKey } from '../../../src/providers/aws/sigv4.js';

/**
 * Vectors from the AWS SigV4 test suite (awslabs/aws-c-auth tests/aws-signing-test-suite/v4/*:
 * context.json + header-signed-request.txt). Credentials, scope and time are the suite's.
 */
const CREDS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const SCOPE = { region: 'us-east-1', service: 'service' };
const NOW = new Date('2015-08-30T12:36:00Z');
const PREFIX = 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ';

function sign(method: string, url: string, headers: Record<string, string> = {}, body = '', creds: Parameters<typeof signSigV4>[1] = CREDS) {
  return signSigV4({ method, url: new URL(url), headers, body }, creds, SCOPE, NOW);
}

describe('sigv4: AWS test suite', () => {
  it('get-vanilla', () => {
    const s = sign('GET', 'https://example.amazonaws.com/');
    expect(s.canonicalRequest).toBe(
      ['GET', '/', '', 'host:example.amazonaws.com', 'x-amz-date:20150830T123600Z', '', 'host;x-amz-date', sha256Hex('')].join('\n'),
    );
    expect(s.headers['authorization']).toBe(
      `${PREFIX}SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31`,
    );
    expect(s.headers['x-amz-date']).toBe('20150830T123600Z');
  });

  it('get-vanilla-query-order-key-case: the query is sorted', () => {
    expect(sign('GET', 'https://example.amazonaws.com/?Param2=value2&Param1=value1').signature).toBe(
      'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500',
    );
  });

  it('get-utf8: a raw path is UTF-8 percent-encoded once; an encoded one (botocore, non-S3) twice', () => {
    expect(canonicalUri('/ሴ')).toBe('/%E1%88%B4');
    expect(canonicalUri(new URL('https://example.amazonaws.com/ሴ').pathname)).toBe('/%25E1%2588%25B4');
  });

  it('get-vanilla-with-session-token: X-Amz-Security-Token is added and signed', () => {
    const token = '6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267';
    const s = sign('GET', 'https://example.amazonaws.com/', {}, '', { ...CREDS, sessionToken: token });
    expect(s.headers['x-amz-security-token']).toBe(token);
    expect(s.headers['authorization']).toBe(
      `${PREFIX}SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8`,
    );
  });

  it('post-vanilla', () => {
    expect(sign('POST', 'https://example.amazonaws.com/').signature).toBe('5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b');
  });

  it('post-x-www-form-urlencoded: body hash, content headers and x-amz-content-sha256 signed', () => {
    const body = 'Param1=value1';
    const s = sign(
      'POST',
      'https://example.amazonaws.com/',
      { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': '13', 'x-amz-content-sha256': sha256Hex(body) },
      body,
    );
    expect(sha256Hex(body)).toBe('9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e');
    expect(s.headers['authorization']).toBe(
      `${PREFIX}SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date, Signature=d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b`,
    );
  });

  it('derives the signing key of the AWS documentation example', () => {
    // docs.aws.amazon.com "Examples of how to derive a signing key for Signature Version 4".
    expect(signingKey('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', '20120215', 'us-east-1', 'iam').toString('hex')).toBe(
      'f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d',
    );
  });
});

describe('sigv4: botocore rules used by Bedrock', () => {
  it('signs the model id label encoded twice (%3A travels, %253A is signed)', () => {
    const url = new URL('https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-haiku-20240307-v1%3A0/invoke');
    const s = signSigV4(
      { method: 'POST', url, headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: '{}' },
      CREDS,
      { region: 'us-east-1', service: 'bedrock' },
      NOW,
    );
    expect(s.canonicalRequest.split('\n')[1]).toBe('/model/anthropic.claude-3-haiku-20240307-v1%253A0/invoke');
    expect(s.signedHeaders).toBe('accept;content-type;host;x-amz-date');
    expect(s.stringToSign.split('\n')[2]).toBe('20150830/us-east-1/bedrock/aws4_request');
  });

  it('signs host with a non-default port, never user-agent, and folds header whitespace', () => {
    const s = signSigV4(
      { method: 'POST', url: new URL('http://127.0.0.1:8123/model/x/invoke'), headers: { 'User-Agent': 'predictd', 'X-Custom': '  a   b  ' }, body: '' },
      CREDS,
      SCOPE,
      NOW,
    );
    expect(s.canonicalRequest).toContain('host:127.0.0.1:8123\n');
    expect(s.canonicalRequest).toContain('x-custom:a b\n');
    expect(s.signedHeaders).toBe('host;x-amz-date;x-custom');
  });
});
