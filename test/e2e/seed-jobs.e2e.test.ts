import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin } from 'kafkajs';
import { OpenAIEmulator } from '../emulators/openai-emulator.js';
import { createTopic, testBrokers, testKafka, uniqueTopic } from '../broker/kafka-test-helpers.js';
import { startDaemon, waitFor, type DaemonHarness } from './support/daemon-harness.js';
import { readTopic } from './support/topics.js';

// The seed documents' jobs, unchanged but for endpoints, keys and topic names, run end to end:
// the daemon reads, calls the emulated model over the OpenAI wire format, and writes.

const sentimentOf = (text: string) => (/favorite|loving|great/i.test(text) ? 'positive' : /unremarkable|bad/i.test(text) ? 'negative' : 'neutral');

describe('seed 000/001: VALUES -> chat model -> print', () => {
  let emulator: OpenAIEmulator;
  let harness: DaemonHarness | undefined;
  beforeAll(async () => {
    emulator = await OpenAIEmulator.start({ apiKeys: ['sk-seed'], respond: (req) => sentimentOf(req.user) });
  });
  afterAll(async () => {
    await harness?.stop();
    await emulator.close();
  });

  it('prints the label the model gave each movie comment', async () => {
    const job = `
CREATE MODEL ai_analyze_sentiment
INPUT (\`input\` STRING)
OUTPUT (\`content\` STRING)
WITH (
'provider'='bailian',
'endpoint'='${emulator.origin}/compatible-mode/v1/chat/completions',
'api-key' = 'sk-seed',
'model'='qwen-turbo',
'system-prompt' = 'Classify the text below into one of the following labels: [positive, negative, neutral, mixed]. Output only the label.'
);
CREATE TEMPORARY TABLE print_sink(
id BIGINT,
movie_name VARCHAR,
predict_label VARCHAR,
actual_label VARCHAR
) WITH (
'connector' = 'print',
'logger' = 'true'
);
CREATE TEMPORARY VIEW movie_comment(id, movie_name, user_comment, actual_label)
AS VALUES (1, 'Her Story', 'My favorite part was when the kid guessed the sounds. It is one of the most romantic narratives I have seen in movies. Very gentle and loving.', 'positive'), (2, 'The Dumpling Queen', 'Unremarkable.', 'negative');
INSERT INTO print_sink
SELECT id, movie_name, content as predict_label, actual_label
FROM ML_PREDICT(
TABLE movie_comment,
MODEL ai_analyze_sentiment,
DESCRIPTOR(user_comment));
`;
    harness = await startDaemon({ 'sentiment.sql': job });
    await waitFor('the job to finish', () => harness!.daemon.jobs()[0]?.state === 'FINISHED');
    expect(harness.printed()).toEqual(['+I[1, Her Story, positive, positive]', '+I[2, The Dumpling Queen, negative, negative]']);
    const chats = emulator.recorded.filter((r) => r.path.endsWith('/chat/completions'));
    expect(chats).toHaveLength(2);
    const body = chats[0]!.body as { model: string; messages: Array<{ role: string; content: string }> };
    expect(body.model).toBe('qwen-turbo');
    expect(body.messages[0]).toEqual({ role: 'system', content: expect.stringContaining('Output only the label.') });
    expect(chats[0]!.authorization).toBe('Bearer sk-seed');
    // The key never reaches a log line.
    expect(JSON.stringify(harness.logs)).not.toContain('sk-seed');
  });
});

describe('seed 002: Kafka -> scalar ML_PREDICT -> JSON_VALUE/CAST -> Kafka', () => {
  const kafka = testKafka();
  let admin: Admin;
  let emulator: OpenAIEmulator;
  let harness: DaemonHarness | undefined;
  const risk = (title: string) => (/beer|wine|cigar/i.test(title) ? { risk: 0.9, reason: 'alcohol or tobacco' } : { risk: 0.1, reason: 'none' });

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    emulator = await OpenAIEmulator.start({ apiKeys: ['abcdefg'], respond: (req) => JSON.stringify(risk(req.user)) });
  });
  afterAll(async () => {
    await harness?.stop();
    await emulator.close();
    await admin.disconnect();
  });

  it('writes one risk row per product, as the model answered', async () => {
    const source = uniqueTopic('product_source');
    const sink = uniqueTopic('risk_sink');
    await createTopic(admin, source, 2);
    await createTopic(admin, sink, 1);
    const job = `
CREATE MODEL \`compliance_model\`
INPUT (text STRING)
OUTPUT (response STRING)
WITH(
'provider'='openai',
'endpoint'='${emulator.origin}/v1/chat/completions',
'api-key'='abcdefg',
'system_prompt'='你是电商合规审核员,请判断商品标题是否含有酒精、烟草等敏感内容,仅返回JSON:{"risk":0.0~1.0,"reason":"原因"}',
'model'='gpt-4o'
);
CREATE TABLE product_source (
id STRING,
title STRING,
ts TIMESTAMP_LTZ(3) METADATA FROM 'timestamp',
WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH (
'connector'='kafka',
'topic'='${source}',
'properties.bootstrap.servers'='${testBrokers()}',
'format'='json'
);
CREATE TABLE risk_sink (
id STRING,
title STRING,
risk DOUBLE,
reason STRING
) WITH (
'connector'='kafka',
'topic'='${sink}',
'properties.bootstrap.servers'='${testBrokers()}',
'format'='json'
);
INSERT INTO risk_sink
SELECT
id,
title,
CAST(JSON_VALUE(response,'$.risk') AS DOUBLE) AS risk,
JSON_VALUE(response,'$.reason') AS reason
FROM (
SELECT
id,
title,
ML_PREDICT(compliance_model, title) AS response
FROM product_source
) t;
`;
    harness = await startDaemon({ 'compliance.sql': job });
    // The seed leaves scan.startup.mode at group-offsets: a new group starts at the end, so
    // produce once the job's consumer group has its partitions.
    await waitFor('the job to join its group', async () => {
      const groups = await admin.describeGroups(['predictd-compliance']);
      return groups.groups[0]?.state === 'Stable' && groups.groups[0].members.length > 0;
    });
    const titles = ['Craft beer 6-pack', 'Running shoes', 'Cuban cigar box', 'Desk lamp', 'Red wine 750ml', 'Notebook'];
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: source, messages: titles.map((title, i) => ({ key: String(i), value: JSON.stringify({ id: `p${i}`, title }) })) });
    await producer.disconnect();

    const out = await readTopic(kafka, sink, (got) => got.length >= titles.length);
    const rows = out.map((m) => JSON.parse(m.value) as { id: string; title: string; risk: number; reason: string });
    expect(rows.map((r) => r.id).sort()).toEqual(titles.map((_, i) => `p${i}`).sort());
    for (const r of rows) expect(r).toEqual({ id: r.id, title: titles[Number(r.id.slice(1))], ...risk(r.title) });
    // Offsets are committed once the sink wrote: the group's committed offsets cover every record.
    await waitFor('offsets committed', async () => {
      const committed = await admin.fetchOffsets({ groupId: 'predictd-compliance', topics: [source] });
      return committed[0]!.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0) === titles.length;
    });
  });
});
