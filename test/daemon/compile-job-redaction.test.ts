import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compileJob, redactSecretOptions } from '../../src/daemon/compile-job.js';
import { createDefaultRegistry } from '../../src/daemon/default-registry.js';
import { DiagnosticsError } from '../../src/errors/diagnostic.js';
import { modelSpecFor } from '../../src/providers/index.js';
import { secretOptionKeys } from '../../src/catalog/secret-options.js';
import { createLogger } from '../../src/observability/create-logger.js';
import { SecretScrubber } from '../../src/observability/secret-scrubber.js';
import { explainPipeline } from '../../src/planner/explain.js';
import { freePort } from '../broker/local-kafka-broker.js';
import { startDaemon, waitFor } from '../e2e/support/daemon-harness.js';

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

/**
 * Every spec walked: each option a connector, format or provider declares secret is written into
 * a job with a value of its own, and that value must reach none of the outputs: the logger
 * (pino, as the daemon builds it), compile errors and their quoted source lines, SHOW CREATE,
 * EXPLAIN, the admin API (GET /jobs/{id}) of a running daemon and its logs; the daemon's scrubber
 * knows the values of every job it bound. A spec that gains a secret option, or a new plugin
 * with one, fails the coverage check until its statement is added here.
 */
describe('no secret option value reaches any output (every spec walked)', () => {
  const registry = createDefaultRegistry();
  const ctx = { registry, modelSpec: modelSpecFor, defaultKafkaBootstrap: '' };

  /** Owner -> its secret option keys (canonical, as the spec declares them). */
  function secretsBySpec(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    const add = (owner: string, spec: { options: readonly { key: string; secret?: boolean }[] }) => {
      const keys = spec.options.filter((o) => o.secret).map((o) => o.key);
      if (keys.length > 0) out.set(owner, keys);
    };
    for (const n of registry.connectorNames()) add(`connector:${n}`, registry.connector(n)!.spec);
    for (const n of registry.formatNames()) add(`format:${n}`, registry.format(n)!.spec);
    for (const n of registry.providerNames()) add(`provider:${n}`, modelSpecFor(registry.provider(n)!));
    return out;
  }

  const SECRETS = secretsBySpec();
  const valueOf = (owner: string, key: string) => `S3cret-${owner.replace(/[^a-z0-9]/gi, '')}-${key.replace(/[^a-z0-9]/gi, '')}-value`;
  /** `'k' = 'v', ...` for the owner's secret keys (all of them, or those `pick` keeps). */
  const opts = (owner: string, pick: (k: string) => boolean = () => true, prefix = '') =>
    SECRETS.get(owner)!
      .filter(pick)
      .map((k) => `'${prefix}${k}' = '${written(k, valueOf(owner, k))}'`)
      .join(', ');
  /** The option value holding the secret: a JAAS line has a syntax the Kafka spec checks. */
  const written = (key: string, secret: string) =>
    key.endsWith('sasl.jaas.config')
      ? `org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="${secret}";`
      : key === 'service-key'
        ? JSON.stringify({ type: 'service_account', client_email: 'sa@p.iam.gserviceaccount.com', private_key_id: secret, private_key: TEST_PEM, token_uri: `${dead}/token` })
        : secret;
  const isAws = (k: string) => k.startsWith('aws_');
  /** A service account key must hold a readable private key; the secret marker rides in the same JSON. */
  const TEST_PEM = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const dead = 'http://127.0.0.1:1';

  /** One line per statement (so an error quotes every option), each holding the owner's secrets; `bogus` adds an unknown option. */
  function statements(bogus: boolean): { ddl: string[]; inserts: string[]; shows: string[] } {
    const b = bogus ? ", 'bogus-option' = 'x'" : '';
    const ddl: string[] = [];
    const inserts: string[] = [];
    const shows: string[] = [];
    const model = (name: string, owner: string, provider: string, base: string, pick?: (k: string) => boolean) => {
      ddl.push(`CREATE MODEL ${name} INPUT (t STRING) OUTPUT (o STRING) WITH ('provider' = '${provider}', ${base}, ${opts(owner, pick)}, 'error-handling-strategy' = 'IGNORE', 'retry-num' = '0'${b});`);
      inserts.push(`INSERT INTO out SELECT o FROM ML_PREDICT(TABLE src, MODEL ${name}, DESCRIPTOR(t));`);
      shows.push(`SHOW CREATE MODEL ${name};`);
    };
    for (const owner of SECRETS.keys()) {
      const [kind, name] = owner.split(':') as [string, string];
      if (kind === 'provider' && name === 'bedrock') {
        const base = `'endpoint' = '${dead}/model/amazon.titan-text-express-v1/invoke'`;
        model('m_bedrock_sigv4', owner, name, base, isAws);
        model('m_bedrock_key', owner, name, base, (k) => !isAws(k));
      } else if (kind === 'provider' && name === 'azureopenai') {
        model('m_azureopenai', owner, name, `'endpoint' = '${dead}/openai/deployments/d/chat/completions?api-version=2024-10-21'`);
      } else if (kind === 'provider' && name === 'googleai') {
        model('m_googleai', owner, name, `'endpoint' = '${dead}/v1beta/models/gemini-2.0-flash:generateContent'`);
      } else if (kind === 'provider' && name === 'vertexai') {
        model('m_vertexai', owner, name, `'endpoint' = '${dead}/v1/projects/p/locations/us-central1/publishers/google/models/gemini-2.0-flash:generateContent'`);
      } else if (kind === 'provider' && name === 'sagemaker') {
        model('m_sagemaker', owner, name, `'endpoint' = '${dead}/endpoints/e/invocations', 'aws_region' = 'us-east-1'`);
      } else if (kind === 'provider' && name === 'azureml') {
        model('m_azureml', owner, name, `'endpoint' = '${dead}/score', 'azureml.input_format' = 'OPENAI-CHAT'`);
      } else if (kind === 'provider') {
        model(`m_${name.replace(/-/g, '_')}`, owner, name, `'endpoint' = '${dead}/v1/chat/completions', 'model' = 'm'`);
      } else if (owner === 'connector:kafka') {
        ddl.push(`CREATE TABLE k (t STRING) WITH ('connector' = 'kafka', 'topic' = 't', 'properties.bootstrap.servers' = '127.0.0.1:1', 'format' = 'json', 'properties.security.protocol' = 'SASL_SSL', ${opts(owner)}${b});`);
        inserts.push('INSERT INTO k SELECT t FROM src;');
        shows.push('SHOW CREATE TABLE k;');
      } else if (owner === 'connector:milvus') {
        ddl.push(`CREATE TABLE mv (id BIGINT, v ARRAY<FLOAT>, PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = 'milvus', 'endpoint' = '${dead}', 'collectionName' = 'c', ${opts(owner)}${b});`);
        shows.push('SHOW CREATE TABLE mv;');
      } else if (owner === 'format:avro-confluent') {
        ddl.push(`CREATE TABLE ka (t STRING) WITH ('connector' = 'kafka', 'topic' = 't', 'properties.bootstrap.servers' = '127.0.0.1:1', 'value.format' = 'avro-confluent', 'value.avro-confluent.url' = '${dead}', ${opts(owner, () => true, 'value.avro-confluent.')}${b});`);
        inserts.push('INSERT INTO ka SELECT t FROM src;');
        shows.push('SHOW CREATE TABLE ka;');
      } else {
        throw new Error(`${owner} declares secret options (${SECRETS.get(owner)!.join(', ')}): add a statement for it to this test`);
      }
    }
    return { ddl, inserts, shows };
  }

  const PRELUDE = ["CREATE TEMPORARY VIEW src(t) AS VALUES ('hello');", "CREATE TEMPORARY TABLE out (o STRING) WITH ('connector' = 'print', 'logger' = 'true');"];
  const VALUES = [...SECRETS].flatMap(([owner, keys]) => keys.map((k) => valueOf(owner, k)));
  const leaked = (text: string) => VALUES.filter((v) => text.includes(v));

  it('covers every secret option, properties.ssl.keystore.key and the registry credentials among them', () => {
    expect(() => statements(false)).not.toThrow();
    const keys = [...SECRETS.values()].flat();
    for (const k of ['properties.ssl.keystore.key', 'basic-auth.user-info', 'api-key', 'aws_secret_access_key', 'password']) expect(keys).toContain(k);
    const written = statements(false).ddl.join('\n');
    for (const v of VALUES) expect(written).toContain(v);
  });

  it('SHOW CREATE and EXPLAIN show none of them', () => {
    const { ddl, inserts, shows } = statements(false);
    const explains = inserts.map((i) => `EXPLAIN ${i}`);
    const plan = compileJob('secrets.sql', [...PRELUDE, ...ddl, ...inserts, ...shows, ...explains].join('\n'), ctx);
    const shown = plan.shown.map((s) => s.text).join('\n');
    expect(plan.shown).toHaveLength(shows.length);
    expect(leaked(shown)).toEqual([]);
    for (const [owner, keys] of SECRETS) {
      for (const k of keys) expect(shown, `${owner} ${k}`).toMatch(new RegExp(`'(value\\.avro-confluent\\.)?${k.replace(/\./g, '\\.')}' = '\\*\\*\\*'`));
    }
    // EXPLAIN's output is the text explainPipeline makes of each plan (predictd validate/explain prints it).
    const explained = [...plan.explained, ...plan.pipelines].map((p) => explainPipeline(p, 'secrets.sql')).join('\n');
    expect(plan.explained).toHaveLength(inserts.length);
    expect(explained).toContain('kafka table k');
    expect(leaked(explained)).toEqual([]);
  });

  it('compile errors quote every line with the values blanked', () => {
    const { ddl } = statements(true);
    let err: unknown;
    try {
      compileJob('secrets.sql', [...PRELUDE, ...ddl].join('\n'), ctx);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DiagnosticsError);
    const e = err as DiagnosticsError;
    expect(e.diagnostics.filter((d) => /bogus-option/.test(d.message))).toHaveLength(ddl.length);
    expect(leaked(e.message + JSON.stringify(e.diagnostics))).toEqual([]);
  });

  it('the logger censors every secret key, alias and prefixed spelling, at any depth it looks', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', scrubber: new SecretScrubber(), secretKeys: secretOptionKeys(ctx), write: (l) => lines.push(l) });
    for (const k of secretOptionKeys(ctx)) {
      log.info({ [k]: `v-${k}-123456`, options: { [k]: `v-${k}-123456` }, model: { options: { [k]: `v-${k}-123456` } } }, 'options');
      log.child({ options: { [k]: `v-${k}-123456` } }).info('bound');
    }
    const text = lines.join('');
    for (const k of secretOptionKeys(ctx)) expect(text, k).not.toContain(`v-${k}-123456`);
  });

  it('a running daemon: neither its logs nor GET /jobs/{id} show them, and its scrubber knows the bound ones', async () => {
    const valid = statements(false);
    // The models' calls fail (nothing listens on port 1) and are logged; the Kafka and Milvus
    // tables stay in the file that does not compile, so no test waits on a broker.
    const models = valid.ddl.filter((s) => s.startsWith('CREATE MODEL'));
    const modelInserts = valid.inserts.filter((s) => s.includes('ML_PREDICT'));
    const port = await freePort();
    const harness = await startDaemon(
      { 'models.sql': [...PRELUDE, ...models, ...modelInserts].join('\n'), 'broken.sql': [...PRELUDE, ...statements(true).ddl].join('\n') },
      { 'admin.port': port },
    );
    try {
      await waitFor('every model to log its failed call', () => models.every((m) => harness.logs.some((l) => l['model'] === /CREATE MODEL (\w+)/.exec(m)![1] && Number(l['level']) >= 40)), 60_000);
      const get = async (path: string) => (await fetch(`http://127.0.0.1:${port}${path}`)).text();
      const bodies = [await get('/jobs'), await get('/jobs/models'), await get('/jobs/broken'), await get('/jobs/models/status'), await get('/jobs/broken/status')];
      expect(bodies[2]).toContain('bogus-option');
      expect(leaked(bodies.join('\n'))).toEqual([]);
      expect(leaked(JSON.stringify(harness.logs))).toEqual([]);
      const bound = [...SECRETS].filter(([owner]) => owner.startsWith('provider:')).flatMap(([owner, keys]) => keys.map((k) => written(k, valueOf(owner, k))));
      // A value is scrubbed whole as it was bound (a service account key: its whole JSON text).
      for (const v of bound) expect(harness.daemon.scrubber.scrub(`x ${v} y`)).toBe('x *** y');
    } finally {
      await harness.stop();
    }
  }, 90_000);
});
