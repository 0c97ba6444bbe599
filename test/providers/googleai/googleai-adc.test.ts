import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeGoogleAIProvider } from '../../../src/providers/googleai/googleai-provider.js';
import { GoogleAIEmulator } from '../../emulators/googleai-emulator.js';
import { VertexAIEmulator } from '../../emulators/vertexai-emulator.js';
import { testServiceAccount } from '../vertexai/vertexai-fixtures.js';
import { captureLogger, defineModel, never } from '../helpers.js';

const SA = testServiceAccount();
const GENERATIVE_LANGUAGE = 'https://www.googleapis.com/auth/generative-language';

describe('googleai provider: Application Default Credentials', () => {
  let google: GoogleAIEmulator;
  let tokens: VertexAIEmulator;
  let dir: string;

  beforeEach(async () => {
    // The Vertex emulator's token endpoint issues the tokens; the Gemini emulator accepts them.
    tokens = await VertexAIEmulator.start({ accounts: [SA.account] });
    google = await GoogleAIEmulator.start({ acceptBearer: (t) => tokens.isValidToken(t, GENERATIVE_LANGUAGE) });
    dir = await mkdtemp(join(tmpdir(), 'predictd-adc-'));
  });

  afterEach(async () => {
    await Promise.all([google.close(), tokens.close(), rm(dir, { recursive: true, force: true })]);
  });

  it('without api-key, sends a bearer token from the service account key GOOGLE_APPLICATION_CREDENTIALS names', async () => {
    const file = join(dir, 'key.json');
    await writeFile(file, SA.keyJson(tokens.tokenUri));
    const factory = makeGoogleAIProvider({ env: { GOOGLE_APPLICATION_CREDENTIALS: file } });
    const model = defineModel(factory, { provider: 'googleai', endpoint: google.url('gemini-2.0-flash', 'generateContent') });
    const client = factory.create(model, { log: captureLogger() });
    const [a, b] = await Promise.all([client.call(['one'], { signal: never() }), client.call(['two'], { signal: never() })]);
    expect([a.rows, b.rows]).toEqual([[['echo: one']], [['echo: two']]]);
    expect(tokens.counters.tokenRequests).toBe(1);
    expect(google.recorded.at(-1)).toMatchObject({ apiKey: undefined, status: 200 });
    expect(client.quotaKey).toMatch(/\|adc:[0-9a-f]{12}$/);
    await client.close?.();
  });

  it('a token the API refuses is fatal after one refresh', async () => {
    const file = join(dir, 'key.json');
    await writeFile(file, SA.keyJson(tokens.tokenUri));
    await google.close();
    google = await GoogleAIEmulator.start({ acceptBearer: () => false });
    const factory = makeGoogleAIProvider({ env: { GOOGLE_APPLICATION_CREDENTIALS: file } });
    const client = factory.create(defineModel(factory, { provider: 'googleai', endpoint: google.url('gemini-2.0-flash', 'generateContent') }), { log: captureLogger() });
    await expect(client.call(['x'], { signal: never() })).rejects.toMatchObject({ kind: 'fatal', status: 401 });
    expect(tokens.counters.tokenRequests).toBe(2);
    await client.close?.();
  });
});
