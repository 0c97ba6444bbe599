import { textOf, tokens } from '../../test/emulators/emulator-server.js';
import { OpenAIEmulator } from '../../test/emulators/openai-emulator.js';
import { BENCH_API_KEY, BENCH_ENV, benchJob } from '../support/bench-job.js';
import { round, type BenchContext, type Figure, type TableRow } from '../support/figure.js';
import { MeasuredProcess } from '../support/measured-process.js';
import { redisServerBinary, startRedis, type RunningRedis } from '../../test/support/redis-server.js';
import { ratePerSecond, windowStats, type QuotaEvent } from '../support/window-max.js';

const ANSWER = 'positive';
/** About 50 tokens a request by the emulator's count, so a token quota binds before the request quota. */
const TEXT = (id: number) => `review ${id}: ${'the product arrived on time, works as described and the support answered quickly. '.repeat(2)}`;

interface Limit {
  readonly name: string;
  readonly option: 'rate-limit.requests-per-minute' | 'rate-limit.tokens-per-minute';
  readonly perMinute: number;
  /** Rows to queue: more than the quota lets through while the figure watches. */
  readonly rowsPerSecondAtLimit: number;
  /** Daemons sharing the quota through one Redis (limiter.redis.url); 1 without Redis. */
  readonly instances?: number;
}

const LIMITS: readonly Limit[] = [
  { name: 'requests/min', option: 'rate-limit.requests-per-minute', perMinute: 6_000, rowsPerSecondAtLimit: 100 },
  { name: 'tokens/min', option: 'rate-limit.tokens-per-minute', perMinute: 60_000, rowsPerSecondAtLimit: 25 },
  { name: 'requests/min, 3 daemons, 1 Redis', option: 'rate-limit.requests-per-minute', perMinute: 6_000, rowsPerSecondAtLimit: 100, instances: 3 },
];

/**
 * Every request the emulator answers is timed at arrival with its cost (1, or its tokens as the
 * emulator counts them); the worst one-second window is then compared with a sixtieth of the
 * per-minute quota, which is how a provider's sliding window sees it.
 */
async function measure(ctx: BenchContext, limit: Limit, seconds: number, redis?: RunningRedis): Promise<TableRow> {
  const events: QuotaEvent[] = [];
  const emulator = await OpenAIEmulator.start({
    apiKeys: [BENCH_API_KEY],
    latencyMs: 20,
    respond: (req) => {
      const cost = limit.option === 'rate-limit.requests-per-minute' ? 1 : req.messages.reduce((s, m) => s + tokens(textOf(m.content)), 0) + tokens(ANSWER);
      events.push({ at: performance.now(), weight: cost });
      return ANSWER;
    },
  });
  try {
    const input = await ctx.kafka.topic('p3-in');
    const output = await ctx.kafka.topic('p3-out');
    await ctx.kafka.fill(input, Math.ceil(limit.rowsPerSecondAtLimit * (seconds + ((limit.instances ?? 1) > 1 ? 25 : 15))), TEXT);
    const sql = benchJob({
      brokers: ctx.kafka.brokers,
      input,
      output,
      group: `${input}-group`,
      model: {
        endpoint: emulator.url('/v1/chat/completions'),
        task: 'chat',
        options: { [limit.option]: String(limit.perMinute) },
        config: { 'max-concurrent-operations': '64', 'output-mode': 'ALLOW_UNORDERED' },
      },
    });
    const env = redis ? { ...BENCH_ENV, PREDICTD_LIMITER_REDIS_URL: redis.url } : BENCH_ENV;
    const procs: MeasuredProcess[] = [];
    let members: number | undefined;
    try {
      for (let i = 0; i < (limit.instances ?? 1); i++) procs.push(await MeasuredProcess.predictd({ 'p3.sql': sql }, env));
      await Promise.all(procs.map((p) => p.waitForLog('pipeline running')));
      while (events.length === 0) await new Promise((r) => setTimeout(r, 50));
      if (procs.length > 1) {
        // Several daemons: the consumer group settles on its partitions before the figure watches.
        await new Promise((r) => setTimeout(r, 5_000));
        members = await groupMembers(ctx, `${input}-group`);
        events.length = 0;
        while (events.length === 0) await new Promise((r) => setTimeout(r, 5));
      }
      await new Promise((r) => setTimeout(r, seconds * 1000));
    } finally {
      await Promise.all(procs.map((p) => p.stop()));
    }
    const from = events[0]!.at;
    const watched = events.filter((e) => e.at <= from + seconds * 1000);
    const perSecondQuota = limit.perMinute / 60;
    const w = windowStats(watched, 1000, perSecondQuota);
    const achieved = ratePerSecond(watched) * 60;
    ctx.log(`P3 ${limit.name}: ${Math.round(achieved)} of ${limit.perMinute}/min, worst second ${w.max} of ${perSecondQuota}, ${w.over} over`);
    return {
      limit: limit.name,
      configured: limit.perMinute,
      'achieved /min': Math.round(achieved),
      'achieved / limit': round(achieved / limit.perMinute, 3),
      requests: watched.length,
      'quota per 1 s window': round(perSecondQuota, 1),
      'max in any 1 s window': round(w.max, 1),
      'requests over quota': w.over,
      'emulator 429s': emulator.counters.rateLimited,
      ...(members === undefined ? {} : { 'daemons consuming': members }),
    };
  } finally {
    await emulator.close();
  }
}

/** Members of the consumer group: the daemons splitting its 4 partitions (and sharing the quota). */
async function groupMembers(ctx: BenchContext, group: string): Promise<number> {
  const admin = ctx.kafka.kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([group]);
    return groups[0]?.members.length ?? 0;
  } finally {
    await admin.disconnect();
  }
}

export const p3RateLimit: Figure = {
  id: 'P3',
  title: 'Rate-limit fidelity',
  async run(ctx) {
    const seconds = ctx.quick ? 10 : 20;
    const table: TableRow[] = [];
    const haveRedis = (await redisServerBinary()) !== undefined;
    for (const limit of LIMITS) {
      if ((limit.instances ?? 1) === 1) {
        table.push(await measure(ctx, limit, seconds));
        continue;
      }
      if (!haveRedis) {
        ctx.log(`P3 ${limit.name}: skipped, redis-server is not installed`);
        continue;
      }
      const redis = await startRedis();
      try {
        table.push(await measure(ctx, limit, seconds, redis));
      } finally {
        await redis.stop();
      }
    }
    return {
      table,
      summary: table.flatMap((r) => {
        const share = Number(r['achieved / limit']);
        const over = Number(r['requests over quota']);
        return [
          { measure: `${r['limit']} ${Number(r['configured']).toLocaleString('en-US')}: achieved`, result: `${share} of the limit`, target: 'within 3 % (>= 0.97)', met: share >= 0.97 && share <= 1.0 },
          { measure: `${r['limit']}: requests over quota in any 1 s window`, result: `${over} (worst window ${r['max in any 1 s window']} of ${r['quota per 1 s window']})`, target: '0', met: over === 0 },
        ];
      }),
      charts: [
        {
          name: 'p3-rate-limit',
          chart: {
            kind: 'bar',
            title: `P3: achieved rate / configured limit (${seconds} s each)`,
            yLabel: 'achieved / limit',
            bars: table.map((r) => ({ label: String(r['limit']), value: Number(r['achieved / limit']) })),
            target: { value: 0.97, label: 'target >= 0.97' },
          },
        },
      ],
      details: { seconds, windowMs: 1000 },
    };
  },
};
