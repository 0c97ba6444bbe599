import { describe, expect, it } from 'vitest';
import { compileJob } from '../../src/daemon/compile-job.js';
import { createDefaultRegistry } from '../../src/daemon/default-registry.js';
import { modelSpecFor } from '../../src/providers/index.js';

const ctx = { registry: createDefaultRegistry(), modelSpec: modelSpecFor, defaultKafkaBootstrap: '' };

describe('SHOW, DESCRIBE and SHOW CREATE', () => {
  it('answer for the catalog as it stands at the statement, with credentials redacted', () => {
    const plan = compileJob(
      'show.sql',
      `
CREATE MODEL m INPUT (t STRING) OUTPUT (o STRING) WITH ('provider'='openai','endpoint'='https://api.openai.com/v1/chat/completions','api-key'='sk-very-secret-123','model'='gpt-4o');
SHOW MODELS;
ALTER MODEL m SET ('temperature'='0.2');
CREATE TABLE k (id BIGINT, name STRING) WITH ('connector'='kafka','topic'='t','properties.bootstrap.servers'='b:9092','format'='json',
  'properties.sasl.jaas.config'='org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";',
  'properties.security.protocol'='SASL_SSL', 'properties.ssl.keystore.key'='-----BEGIN PRIVATE KEY-----', 'properties.ssl.keystore.location'='/etc/k.pem');
DESCRIBE MODEL m;
SHOW CREATE MODEL m;
SHOW CREATE TABLE k;
ALTER MODEL m RENAME TO n;
SHOW MODELS;
`,
      ctx,
    );
    const [models, described, createModel, createTable, renamed] = plan.shown;
    expect(models).toEqual({ line: 3, text: 'm' });
    expect(described!.text).toBe('INPUT   t STRING\nOUTPUT  o STRING\nprovider openai');
    expect(createModel!.text).toContain("'api-key' = '***'");
    expect(createModel!.text).toContain("'temperature' = '0.2'");
    expect(createTable!.text).toContain("'properties.sasl.jaas.config' = '***'");
    // Secret because the Kafka spec declares it so; a path to a key file is not a secret.
    expect(createTable!.text).toContain("'properties.ssl.keystore.key' = '***'");
    expect(createTable!.text).toContain("'properties.ssl.keystore.location' = '/etc/k.pem'");
    expect(JSON.stringify(plan.shown)).not.toMatch(/sk-very-secret-123|password="p"/);
    expect(renamed).toEqual({ line: 12, text: 'n' });
  });

  it('DESCRIBE MODEL EXTENDED adds the options as they stand, secrets redacted', () => {
    const plan = compileJob(
      'describe.sql',
      `
CREATE MODEL m INPUT (t STRING) OUTPUT (o STRING) WITH ('provider'='openai','endpoint'='https://api.openai.com/v1/chat/completions','api-key'='sk-very-secret-123','model'='gpt-4o');
ALTER MODEL m SET ('temperature'='0.2');
DESCRIBE MODEL EXTENDED m;
`,
      ctx,
    );
    expect(plan.shown[0]!.text).toBe([
      'INPUT   t STRING',
      'OUTPUT  o STRING',
      'provider openai',
      "option  'api-key' = '***'",
      "option  'endpoint' = 'https://api.openai.com/v1/chat/completions'",
      "option  'model' = 'gpt-4o'",
      "option  'provider' = 'openai'",
      "option  'temperature' = '0.2'",
    ].join('\n'));
  });
});
