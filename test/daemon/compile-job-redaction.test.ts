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

describe('which options hold credentials', () => {
  it('goes by the parts of the name: tokens of a budget are not a token', async () => {
    const { isCredentialOption } = await import('../../src/catalog/credential-option.js');
    for (const k of ['api-key', 'apiKey', 'openai.api_key', 'password', 'aws_secret_access_key', 'aws_session_token', 'properties.sasl.jaas.config', 'service_key']) {
      expect(isCredentialOption(k), k).toBe(true);
    }
    for (const k of ['max-tokens', 'rate-limit.tokens-per-minute', 'model', 'endpoint', 'userName', 'topic']) {
      expect(isCredentialOption(k), k).toBe(false);
    }
    expect(redactSecretOptions("'max-tokens' = '1000', 'api-key' = 'sk-12345'")).toBe("'max-tokens' = '1000', 'api-key' = '********'");
  });
});
