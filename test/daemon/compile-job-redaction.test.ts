import { describe, expect, it } from 'vitest';
import { compileJob, redactSecretOptions } from '../../src/daemon/compile-job.js';
import { createDefaultRegistry } from '../../src/daemon/default-registry.js';
import { DiagnosticsError } from '../../src/errors/diagnostic.js';
import { modelSpecFor } from '../../src/providers/index.js';

describe('compile errors never quote a credential', () => {
  it('blanks credential values in quoted source lines, keeping columns', () => {
    const source = `CREATE MODEL m INPUT (t STRING) OUTPUT (o STRING) WITH ('provider'='openai', 'api-key'='sk-live-abc''123', 'modle'='gpt-4o');`;
    let err: unknown;
    try {
      compileJob('m.sql', source, { registry: createDefaultRegistry(), modelSpec: modelSpecFor, defaultKafkaBootstrap: '' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DiagnosticsError);
    const message = (err as DiagnosticsError).message;
    expect(message).toContain("unknown option 'modle'");
    expect(message).not.toContain('sk-live');
    expect(message).toContain("'api-key'='****************'");
    expect(redactSecretOptions(source).length).toBe(source.length);
    expect(redactSecretOptions("'properties.sasl.jaas.config' = 'x y'")).toBe("'properties.sasl.jaas.config' = '***'");
  });
});

describe('which options hold credentials: the specs say, nothing else', () => {
  const ctx = { registry: createDefaultRegistry(), modelSpec: modelSpecFor };

  it('are the options a connector, format or provider spec declares secret', async () => {
    const { secretOptionKeys } = await import('../../src/catalog/secret-options.js');
    const secrets = secretOptionKeys(ctx);
    for (const k of ['api-key', 'aws_secret_access_key', 'aws_session_token', 'password', 'token', 'properties.sasl.jaas.config', 'properties.ssl.keystore.key', 'properties.ssl.key.password']) {
      expect(secrets.has(k), k).toBe(true);
    }
    for (const k of ['max-tokens', 'rate-limit.tokens-per-minute', 'model', 'endpoint', 'userName', 'topic', 'properties.ssl.keystore.location']) {
      expect(secrets.has(k), k).toBe(false);
    }
  });

  it('every one of them is blanked in quoted source lines', async () => {
    const { secretOptionKeys } = await import('../../src/catalog/secret-options.js');
    for (const k of secretOptionKeys(ctx)) {
      expect(redactSecretOptions(`'${k}' = 'hunter2-value', 'model' = 'm'`), k).toBe(`'${k}' = '*************', 'model' = 'm'`);
    }
    expect(redactSecretOptions("'max-tokens' = '1000', 'api-key' = 'sk-12345'")).toBe("'max-tokens' = '1000', 'api-key' = '********'");
  });
});
