import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AwsCredentials } from '../../../src/providers/aws/aws-credentials.js';
import { awsCredentialChain, REFRESH_BEFORE_EXPIRY_MS, RETRY_REFRESH_AFTER_MS } from '../../../src/providers/aws/credential-chain.js';
import { BedrockClient } from '../../../src/providers/bedrock/bedrock-client.js';
import { bedrockProvider, compileBedrockConfig } from '../../../src/providers/bedrock/bedrock-provider.js';
import type { ModelClient } from '../../../src/spi/model-provider.js';
import { BedrockEmulator, type EmulatorCredentials } from '../../emulators/bedrock-emulator.js';
import { captureLogger, col, defineModel, FLOAT_ARRAY, never } from '../helpers.js';

const MIN = 60_000;
const CLAUDE = 'anthropic.claude-3-haiku-20240307-v1:0';

function creds(n: number, expiration?: Date): AwsCredentials {
  return { accessKeyId: `ASIA${n}`, secretAccessKey: `secret-${n}-0123456789`, sessionToken: `token-${n}-0123456789`, expiration };
}

describe('awsCredentialChain: cache, refresh before expiry, single flight (injected clock and loader)', () => {
  function setup(answers: (() => Promise<AwsCredentials>)[]) {
    let now = 1_000_000;
    let loads = 0;
    const log = captureLogger();
    const source = awsCredentialChain({ now: () => now, log, load: () => answers[Math.min(loads++, answers.length - 1)]!() });
    return { source, log, loads: () => loads, advance: (ms: number) => (now += ms), at: (ms: number) => new Date(1_000_000 + ms) };
  }

  it('loads once for concurrent first callers and answers later calls from the cache', async () => {
    const t = setup([async () => creds(1)]);
    const got = await Promise.all(Array.from({ length: 5 }, () => t.source()));
    expect(got.every((c) => c.accessKeyId === 'ASIA1')).toBe(true);
    t.advance(24 * 60 * MIN);
    await t.source();
    expect(t.loads()).toBe(1);
  });

  it('refreshes once, for every concurrent caller, when expiry is under 5 minutes away', async () => {
    const t = setup([async () => creds(1, t.at(60 * MIN)), async () => creds(2, t.at(120 * MIN))]);
    expect((await t.source()).accessKeyId).toBe('ASIA1');
    t.advance(60 * MIN - REFRESH_BEFORE_EXPIRY_MS - 1);
    expect((await t.source()).accessKeyId).toBe('ASIA1');
    expect(t.loads()).toBe(1);
    t.advance(2);
    const after = await Promise.all(Array.from({ length: 4 }, () => t.source()));
    expect(after.map((c) => c.accessKeyId)).toEqual(['ASIA2', 'ASIA2', 'ASIA2', 'ASIA2']);
    expect(t.loads()).toBe(2);
  });

  it('keeps valid credentials when a refresh fails (logged, retried after a pause), and fails once they expired', async () => {
    const down = async () => {
      throw new Error('metadata service unreachable');
    };
    const t = setup([async () => creds(1, t.at(10 * MIN)), down]);
    await t.source();
    t.advance(6 * MIN);
    expect((await t.source()).accessKeyId).toBe('ASIA1');
    expect(t.log.entries.filter((e) => e.level === 'warn' && /refresh failed/.test(e.msg))).toHaveLength(1);
    expect((await t.source()).accessKeyId).toBe('ASIA1');
    expect(t.loads()).toBe(2);
    t.advance(RETRY_REFRESH_AFTER_MS);
    await t.source();
    expect(t.loads()).toBe(3);
    t.advance(4 * MIN);
    await expect(t.source()).rejects.toThrow('metadata service unreachable');
  });
});

/**
 * The real chain (@aws-sdk/credential-provider-node) against loopback sources, signing for the
 * Bedrock emulator, which recomputes SigV4 and checks the session token. Every AWS_* variable of
 * the test process is cleared first and restored after; instance metadata is switched off so no
 * test reaches for 169.254.169.254.
 */
describe('AWS default chain for Bedrock (real SDK, loopback sources, emulator verifies SigV4)', () => {
  let saved: Record<string, string | undefined>;
  let dir: string;
  let emu: BedrockEmulator | undefined;
  let metadata: Server | undefined;
  const clients: ModelClient[] = [];

  beforeEach(async () => {
    saved = {};
    for (const k of Object.keys(process.env)) {
      if (k.startsWith('AWS_')) {
        saved[k] = process.env[k];
        delete process.env[k];
      }
    }
    process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
    // Nothing from the home directory: the shared files live in this test's folder only.
    dir = await mkdtemp(join(tmpdir(), 'predictd-aws-'));
    process.env['AWS_SHARED_CREDENTIALS_FILE'] = join(dir, 'credentials');
    process.env['AWS_CONFIG_FILE'] = join(dir, 'config');
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close?.()));
    await emu?.close();
    emu = undefined;
    const server = metadata;
    metadata = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
    Object.assign(process.env, saved);
  });

  async function emulator(accepted: readonly EmulatorCredentials[]): Promise<BedrockEmulator> {
    emu = await BedrockEmulator.start({ credentials: accepted, respond: (r) => `ok ${r.user}` });
    return emu;
  }

  function embedModel(options: Record<string, string>) {
    return defineModel(bedrockProvider, { provider: 'bedrock', endpoint: emu!.url('amazon.titan-embed-text-v2:0'), ...options }, { outputs: [col('v', FLOAT_ARRAY)] });
  }

  function keyIdOf(req: { headers: Readonly<Record<string, string>> }): string {
    return /Credential=([^/]+)\//.exec(req.headers['authorization'] ?? '')![1]!;
  }

  it('signs with the keys of a named profile in the shared credentials file (aws_profile)', async () => {
    const prod = creds(7);
    await emulator([prod]);
    await writeFile(join(dir, 'credentials'), `[default]\naws_access_key_id = AKIAWRONG\naws_secret_access_key = wrong-secret-000000\n\n[prod]\naws_access_key_id = ${prod.accessKeyId}\naws_secret_access_key = ${prod.secretAccessKey}\naws_session_token = ${prod.sessionToken}\n`);
    await writeFile(join(dir, 'config'), '[profile prod]\nregion = us-east-1\n');
    const log = captureLogger();
    const client = bedrockProvider.create(embedModel({ aws_profile: 'prod' }), { log });
    clients.push(client);
    expect(client.quotaKey).toMatch(/\|cred:[0-9a-f]+$/);
    const response = await client.call(['hello'], { signal: never() });
    expect(response.rows[0]![0]).toHaveLength(8);
    expect(emu!.counters.signaturesVerified).toBe(1);
    const req = emu!.recorded.at(-1)!;
    expect(keyIdOf(req)).toBe(prod.accessKeyId);
    expect(req.headers['x-amz-security-token']).toBe(prod.sessionToken);
  });

  it('reads AWS_PROFILE when aws_profile is unset, and the environment keys with no profile at all', async () => {
    const a = creds(8);
    const b = creds(9);
    await emulator([a, b]);
    await writeFile(join(dir, 'credentials'), `[team]\naws_access_key_id = ${a.accessKeyId}\naws_secret_access_key = ${a.secretAccessKey}\naws_session_token = ${a.sessionToken}\n`);
    process.env['AWS_PROFILE'] = 'team';
    const viaProfile = bedrockProvider.create(embedModel({}), { log: captureLogger() });
    clients.push(viaProfile);
    await viaProfile.call(['x'], { signal: never() });
    expect(keyIdOf(emu!.recorded.at(-1)!)).toBe(a.accessKeyId);
    delete process.env['AWS_PROFILE'];
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: b.accessKeyId, AWS_SECRET_ACCESS_KEY: b.secretAccessKey, AWS_SESSION_TOKEN: b.sessionToken });
    const viaEnv = bedrockProvider.create(embedModel({}), { log: captureLogger() });
    clients.push(viaEnv);
    await viaEnv.call(['x'], { signal: never() });
    expect(keyIdOf(emu!.recorded.at(-1)!)).toBe(b.accessKeyId);
    expect(emu!.counters.signaturesVerified).toBe(2);
  });

  it('static keys in the options win over the chain', async () => {
    const fixed = { accessKeyId: 'AKIAFIXED01', secretAccessKey: 'fixed-secret-0123456789' };
    await emulator([fixed]);
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIAENV0001', AWS_SECRET_ACCESS_KEY: 'env-secret-0123456789' });
    const client = bedrockProvider.create(embedModel({ aws_access_key_id: fixed.accessKeyId, aws_secret_access_key: fixed.secretAccessKey }), { log: captureLogger() });
    clients.push(client);
    await client.call(['x'], { signal: never() });
    expect(keyIdOf(emu!.recorded.at(-1)!)).toBe(fixed.accessKeyId);
  });

  it('fetches ECS container credentials (FULL_URI + authorization token), refreshes them before expiry, once for concurrent calls', async () => {
    const issued = [creds(1), creds(2)];
    await emulator(issued);
    const requests: { authorization: string | undefined }[] = [];
    metadata = createServer((req, res) => {
      requests.push({ authorization: req.headers['authorization'] });
      const c = issued[Math.min(requests.length - 1, issued.length - 1)]!;
      // Real-time expiry 15 minutes out: the SDK itself rejects credentials already expired.
      const body = { AccessKeyId: c.accessKeyId, SecretAccessKey: c.secretAccessKey, Token: c.sessionToken, Expiration: new Date(Date.now() + 15 * MIN).toISOString() };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => metadata!.listen(0, '127.0.0.1', resolve));
    const port = (metadata.address() as AddressInfo).port;
    process.env['AWS_CONTAINER_CREDENTIALS_FULL_URI'] = `http://127.0.0.1:${port}/v2/credentials/task-role`;
    process.env['AWS_CONTAINER_AUTHORIZATION_TOKEN'] = 'container-auth-token';

    let skew = 0;
    const config = compileBedrockConfig(embedModel({}), { now: () => Date.now() + skew, log: captureLogger() });
    const client = new BedrockClient(config, captureLogger());
    clients.push(client);
    await Promise.all(Array.from({ length: 4 }, () => client.call(['a'], { signal: never() })));
    expect(requests).toEqual([{ authorization: 'container-auth-token' }]);
    expect(new Set(emu!.recorded.map(keyIdOf))).toEqual(new Set(['ASIA1']));
    expect(emu!.recorded.every((r) => r.headers['x-amz-security-token'] === issued[0]!.sessionToken)).toBe(true);

    // 11 minutes later (on the chain's clock) the credentials have under 5 minutes left.
    skew = 11 * MIN;
    await Promise.all(Array.from({ length: 4 }, () => client.call(['b'], { signal: never() })));
    expect(requests).toHaveLength(2);
    expect(emu!.recorded.slice(-4).map(keyIdOf)).toEqual(['ASIA2', 'ASIA2', 'ASIA2', 'ASIA2']);
    expect(emu!.counters.signaturesVerified).toBe(8);
  });

  it('with no source anywhere a call fails as fatal with the reason, and nothing secret in it', async () => {
    await emulator([creds(1)]);
    const client = bedrockProvider.create(embedModel({}), { log: captureLogger() });
    clients.push(client);
    await expect(client.call(['x'], { signal: never() })).rejects.toMatchObject({ name: 'ModelCallError', kind: 'fatal', message: expect.stringMatching(/^no AWS credentials for SigV4: /) });
    expect(emu!.recorded).toHaveLength(0);
  });
});
