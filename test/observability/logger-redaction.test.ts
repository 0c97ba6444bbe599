import { describe, expect, it } from 'vitest';
import { secretOptionKeys } from '../../src/catalog/secret-options.js';
import { createDefaultRegistry } from '../../src/daemon/default-registry.js';
import { createLogger } from '../../src/observability/create-logger.js';
import { SecretScrubber } from '../../src/observability/secret-scrubber.js';
import { modelSpecFor } from '../../src/providers/index.js';

const SECRET_KEYS = secretOptionKeys({ registry: createDefaultRegistry(), modelSpec: modelSpecFor });

describe('logs never carry credentials', () => {
  function capture() {
    const lines: string[] = [];
    const scrubber = new SecretScrubber();
    const log = createLogger({ level: 'info', scrubber, secretKeys: SECRET_KEYS, write: (l) => lines.push(l) });
    return { lines, scrubber, log };
  }

  it('censors the options the specs declare secret anywhere in a logged object, and only those', () => {
    const { lines, log } = capture();
    const options = { 'api-key': 'sk-abcdef123456', endpoint: 'https://x', 'properties.ssl.keystore.key': '-----BEGIN KEY-----', 'properties.ssl.keystore.location': '/k.pem' };
    log.child({ jobId: 'j1' }).info({ model: { options }, 'avro-confluent.basic-auth.user-info': 'u:p', authorization: 'not-an-option' }, 'bound');
    const line = JSON.parse(lines[0]!) as { jobId: string; model: { options: Record<string, string> } } & Record<string, string>;
    expect(line.jobId).toBe('j1');
    expect(line.model.options['api-key']).toBe('***');
    expect(line.model.options['properties.ssl.keystore.key']).toBe('***');
    expect(line.model.options.endpoint).toBe('https://x');
    expect(line.model.options['properties.ssl.keystore.location']).toBe('/k.pem');
    expect(line['avro-confluent.basic-auth.user-info']).toBe('***');
    // No name rule: a field that is no secret option is logged as it is (the scrubber blanks known secret values).
    expect(line['authorization']).toBe('not-an-option');
  });

  it('censors child bindings too and never changes the logged object', () => {
    const { lines, log } = capture();
    const options = { 'api-key': 'sk-abcdef123456', model: 'gpt' };
    log.child({ options }).info({ list: [{ password: 'milvus-pass-123' }] }, 'x');
    const line = JSON.parse(lines[0]!) as { options: Record<string, string>; list: Record<string, string>[] };
    expect(line.options).toEqual({ 'api-key': '***', model: 'gpt' });
    expect(line.list).toEqual([{ password: '***' }]);
    expect(options['api-key']).toBe('sk-abcdef123456');
  });

  it('blanks known secret values from messages, errors and stack traces', () => {
    const { lines, scrubber, log } = capture();
    scrubber.add('sk-live-0123456789');
    log.error({ err: new Error('401 for key sk-live-0123456789') }, 'call failed with sk-live-0123456789');
    expect(lines[0]).not.toContain('sk-live-0123456789');
    expect(lines[0]).toContain('***');
    expect(JSON.parse(lines[0]!).msg).toBe('call failed with ***');
  });

  it('leaves short values alone so ordinary words are not blanked', () => {
    const { lines, scrubber, log } = capture();
    scrubber.add('abc');
    log.info('abc def');
    expect(JSON.parse(lines[0]!).msg).toBe('abc def');
  });
});
