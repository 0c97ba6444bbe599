import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { windowStats, type QuotaEvent } from '../../bench/support/window-max.js';
import { createTopic, testBrokers, uniqueTopic } from '../broker/kafka-test-helpers.js';
import { redisServerBinary, startRedis, type RunningRedis } from '../support/redis-server.js';
import type { DaemonProcess } from './support/daemon-process.js';
import { kafkaDaemonSuite } from './support/kafka-daemon-suite.js';
import { readTopic } from './support/topics.js';

const PER_SECOND = 100;
const PARTITIONS = 4;
/** Enough for about 45 s at the quota: every phase below runs while all four partitions still have rows. */
const RECORDS = 4500;
const GROUP = uniqueTopic('shared-quota-group');
const binary = await redisServerBinary();

/** Requests per second between the first and the last event of a phase. */
function rate(events: readonly QuotaEvent[]): number {
  const span = (events.at(-1)!.at - events[0]!.at) / 1_000;
  return (events.length - 1) / span;
}

// Issue 12's acceptance: three daemons on one job and one Redis stay together at the quota, and
// when one is killed its partitions move to the others, which take its share of the quota, and
// no row is lost. The exact targets (within 3 %, 0 over in any window) are measured by bench P3;
// here the emulator shares this process with a loaded test run, hence the tolerances.
describe.skipIf(!binary)('three daemons sharing one quota through Redis', () => {
  const events: QuotaEvent[] = [];
  const suite = kafkaDaemonSuite('shared-quota', {
    apiKeys: ['sk-shared'],
    latencyMs: 10,
    respond: (req) => (events.push({ at: performance.now(), weight: 1 }), `label-${req.user}`),
  });
  let redis: RunningRedis;

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  /** Waits until the consumer group is stable with `n` members, each with partitions. */
  async function groupOf(n: number, timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const { groups } = await suite.admin.describeGroups([GROUP]);
      const g = groups[0];
      if (g?.state === 'Stable' && g.members.length === n && g.members.every((m) => m.memberAssignment.length > 0)) return;
      if (Date.now() > until) throw new Error(`group ${GROUP}: ${g?.state} with ${g?.members.length} members, wanted ${n}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** The requests that reach the emulator during the next `ms`. */
  async function watch(ms: number): Promise<QuotaEvent[]> {
    const from = events.length;
    await new Promise((r) => setTimeout(r, ms));
    return events.slice(from);
  }

  it('holds the aggregate rate at the quota, and after kill -9 of one the two others take its partitions and its share', async () => {
    const input = uniqueTopic('shared-quota-in');
    const output = uniqueTopic('shared-quota-out');
    await createTopic(suite.admin, input, PARTITIONS);
    await createTopic(suite.admin, output, 1);
    await suite.produce(input, RECORDS, (i) => ({ key: String(i), value: JSON.stringify({ id: i, text: `t${i}` }) }), 1500);

    const jobs = join(suite.dir, 'jobs');
    await mkdir(jobs);
    await writeFile(
      join(jobs, 'shared.sql'),
      `
CREATE MODEL labeler INPUT (text STRING) OUTPUT (label STRING) WITH (
  'provider' = 'openai', 'endpoint' = '${suite.emulator.origin}/v1/chat/completions', 'api-key' = 'sk-shared', 'model' = 'gpt-4o-mini',
  'rate-limit.requests-per-minute' = '${PER_SECOND * 60}');
CREATE TABLE src (id BIGINT, text STRING) WITH (
  'connector' = 'kafka', 'topic' = '${input}', 'properties.bootstrap.servers' = '${testBrokers()}',
  'properties.group.id' = '${GROUP}', 'scan.startup.mode' = 'earliest-offset', 'format' = 'json',
  'properties.session.timeout.ms' = '6000', 'properties.heartbeat.interval.ms' = '1000');
CREATE TABLE dst (id BIGINT, label STRING) WITH (
  'connector' = 'kafka', 'topic' = '${output}', 'properties.bootstrap.servers' = '${testBrokers()}', 'format' = 'json');
INSERT INTO dst SELECT id, label FROM ML_PREDICT(TABLE src, MODEL labeler, DESCRIPTOR(text), MAP['max-concurrent-operations', '16']);
`,
    );
    const env = { PREDICTD_LIMITER_REDIS_URL: redis.url };
    const running: DaemonProcess[] = [0, 1, 2].map((i) => suite.daemon(jobs, `daemon-${i}.log`, env));
    // Members reading a long batch hear of the rebalance within a heartbeat (it took 47 s when kafkajs only
    // heartbeated between batches: connectors/kafka/batch-heartbeat.ts).
    await groupOf(3, 25_000);

    // A member that just got its partitions fetches and connects its producer first: let the group settle.
    await watch(3_000);
    const together = await watch(5_000);
    const three = rate(together);
    const threeWorst = windowStats(together, 1_000, PER_SECOND).max;

    const victim = running[0]!;
    victim.child.kill('SIGKILL');
    expect((await victim.exited).signal).toBe('SIGKILL');
    await groupOf(2, 30_000);
    await watch(3_000);
    const after = await watch(5_000);
    const two = rate(after);
    const twoWorst = windowStats(after, 1_000, PER_SECOND).max;
    console.info(`[shared quota] three daemons ${three.toFixed(1)}/s (worst 1-s window ${threeWorst}), two after kill -9 ${two.toFixed(1)}/s (worst ${twoWorst}), quota ${PER_SECOND}/s`);

    // One quota, not three (alone each would send PER_SECOND), and no window far above it (a stall of
    // this loaded process stamps the requests that arrived meanwhile together: 113 was seen).
    expect(three / PER_SECOND).toBeGreaterThanOrEqual(0.8);
    expect(three / PER_SECOND).toBeLessThanOrEqual(1.02);
    expect(threeWorst).toBeLessThanOrEqual(PER_SECOND * 1.5);
    // The survivors take the dead one's share: a split fixed per instance would leave them at 2/3.
    expect(two / PER_SECOND).toBeGreaterThanOrEqual(0.8);
    expect(two / PER_SECOND).toBeLessThanOrEqual(1.02);
    expect(twoWorst).toBeLessThanOrEqual(PER_SECOND * 1.5);

    // Nothing lost: the dead daemon's partitions were taken over from their committed offsets.
    const out = await readTopic(suite.kafka, output, (got) => new Set(got.map((m) => (JSON.parse(m.value) as { id: number }).id)).size >= RECORDS, 120_000);
    const rows = out.map((m) => JSON.parse(m.value) as { id: number; label: string });
    const ids = new Set(rows.map((r) => r.id));
    for (let id = 0; id < RECORDS; id++) expect(ids.has(id)).toBe(true);
    for (const r of rows) expect(r.label).toBe(`label-t${r.id}`);
  }, 240_000);
});
