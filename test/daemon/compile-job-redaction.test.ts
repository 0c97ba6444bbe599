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
