import { afterEach, describe, expect, it } from 'vitest';
import { OpenAIEmulator } from '../emulators/openai-emulator.js';
import { startDaemon, waitFor, type DaemonHarness } from './support/daemon-harness.js';

const LONG = 'the quick brown fox jumps over the lazy dog '.repeat(30).trim();

/**
 * A job whose rows run past `max-context-size`: with `truncated-tail` the model gets the start of
 * each long text (the emulator answers with what it received), with `skipped-log` the long rows
 * leave no output and one warning tells how many there were.
 */
describe('max-context-size in a job', () => {
  let harness: DaemonHarness | undefined;
  let emulator: OpenAIEmulator | undefined;
  afterEach(async () => {
    await harness?.stop();
    await emulator?.close();
    harness = undefined;
    emulator = undefined;
  });

  it('cuts long rows for one model and skips them for another, counted and logged without the text', async () => {
    emulator = await OpenAIEmulator.start({ apiKeys: ['sk-ctx'], respond: (req) => `got ${req.user.length} chars: ${req.user.slice(-9)}` });
    const values = Array.from({ length: 6 }, (_, i) => `(${i}, '${i % 2 === 0 ? LONG : `short ${i}`}')`).join(', ');
    const model = (name: string, action: string) => `
CREATE MODEL ${name} INPUT (t STRING) OUTPUT (answer STRING) WITH (
  'provider' = 'openai', 'endpoint' = '${emulator!.url('/v1/chat/completions')}', 'api-key' = 'sk-ctx', 'model' = 'gpt-4o-mini',
  'system-prompt' = '', 'max-context-size' = '9', 'context-overflow-action' = '${action}');`;
    const job = `
CREATE TEMPORARY VIEW docs(id, t) AS VALUES ${values};
${model('cut', 'truncated-tail')}
${model('skip', 'skipped-log')}
CREATE TEMPORARY TABLE cut_out (id INT, answer STRING) WITH ('connector' = 'print', 'logger' = 'true', 'print-identifier' = 'cut');
CREATE TEMPORARY TABLE skip_out (id INT, answer STRING) WITH ('connector' = 'print', 'logger' = 'true', 'print-identifier' = 'skip');
INSERT INTO cut_out SELECT id, answer FROM ML_PREDICT(TABLE docs, MODEL cut, DESCRIPTOR(t));
INSERT INTO skip_out SELECT id, answer FROM ML_PREDICT(TABLE docs, MODEL skip, DESCRIPTOR(t));
`;
    harness = await startDaemon({ 'ctx.sql': job });
    const cut = await waitFor('6 cut rows', () => {
      const printed = harness!.printed().filter((r) => r.startsWith('cut> '));
      return printed.length >= 6 ? printed : undefined;
    });
    // 9 o200k tokens of the text: 'the quick brown fox jumps over the lazy dog' is 9 tokens.
    expect(cut).toContain('cut> +I[0, got 43 chars:  lazy dog]');
    expect(cut).toContain('cut> +I[1, got 7 chars: short 1]');
    const skipped = await waitFor('3 short rows through the skipping model', () => {
      const printed = harness!.printed().filter((r) => r.startsWith('skip> '));
      return printed.length >= 3 ? printed : undefined;
    });
    expect(skipped.map((r) => Number(/\+I\[(\d+),/.exec(r)![1])).sort()).toEqual([1, 3, 5]);

    const models = await waitFor('the overflow counts', () => {
      const byName = new Map(harness!.daemon.jobManager.job('ctx')?.modelStats().map((m) => [m.model, m.stats.contextOverflow]));
      return byName.get('skip')?.rows === 3 && byName.get('cut')?.rows === 3 ? byName : undefined;
    });
    expect(models.get('cut')).toEqual({ action: 'truncated-tail', rows: 3 });
    const warnings = harness.logs.filter((l) => String(l['msg']).includes('over max-context-size'));
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    expect(warnings[0]).toMatchObject({ model: 'skip', action: 'skipped-log', maxContextSize: 9, tokenizer: 'o200k_base' });
    expect(JSON.stringify(harness.logs)).not.toContain('quick brown fox jumps over the lazy dog the quick');
    expect(emulator.recorded.every((r) => JSON.stringify(r.body).length < 1000)).toBe(true);
  }, 60_000);
});
