import { describe, expect, it } from 'vitest';
import { RestartStrategy, type RestartStrategyConfig } from '../../src/runtime/restart-strategy.js';
import { restartSettingProblem, restartStrategyConfig } from '../../src/runtime/restart-strategy-settings.js';

/** Virtual time: the test moves it. */
function virtualClock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

const exponential = (over: Partial<Extract<RestartStrategyConfig, { type: 'exponential-delay' }>> = {}): RestartStrategyConfig => ({
  type: 'exponential-delay',
  initialBackoffMs: 1000,
  maxBackoffMs: 10_000,
  backoffMultiplier: 2,
  resetBackoffThresholdMs: 60_000,
  jitterFactor: 0,
  attemptsBeforeResetBackoff: Infinity,
  ...over,
});

/** Fails the job `n` times, each right after the granted restart happened. */
function delays(strategy: RestartStrategy, clock: ReturnType<typeof virtualClock>, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const d = strategy.onFailure();
    if (!d.restart) throw new Error(d.reason);
    out.push(d.delayMs);
    clock.advance(d.delayMs + 10);
  }
  return out;
}

describe('RestartStrategy', () => {
  it('exponential-delay grows by the multiplier and stops at max-backoff', () => {
    const clock = virtualClock();
    const s = new RestartStrategy(exponential(), clock);
    expect(delays(s, clock, 6)).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
    expect(s.attempt).toBe(6);
  });

  it("has Flink's defaults: 1 s, x1.5, capped at 1 min, jitter 0.1, never gives up", () => {
    const config = restartStrategyConfig();
    expect(config).toEqual({
      type: 'exponential-delay',
      initialBackoffMs: 1000,
      maxBackoffMs: 60_000,
      backoffMultiplier: 1.5,
      resetBackoffThresholdMs: 3_600_000,
      jitterFactor: 0.1,
      attemptsBeforeResetBackoff: Infinity,
    });
    const clock = virtualClock();
    const s = new RestartStrategy(config, clock, () => 0.5); // 0.5 = no jitter
    expect(delays(s, clock, 12)).toEqual([1000, 1500, 2250, 3375, 5063, 7594, 11_391, 17_086, 25_629, 38_443, 57_665, 60_000]);
  });

  it('keeps jitter within the factor of the backoff, never below the initial backoff or above the cap', () => {
    const config = exponential({ jitterFactor: 0.1 });
    for (const [random, expected] of [
      [0, [1000, 1800, 3600, 7200, 9000]],
      [0.999_999, [1100, 2200, 4400, 8800, 10_000]],
    ] as const) {
      const clock = virtualClock();
      expect(delays(new RestartStrategy(config, clock, () => random), clock, 5)).toEqual(expected);
    }
  });

  it('resets the backoff after the job ran reset-backoff-threshold since its last restart', () => {
    const clock = virtualClock();
    const s = new RestartStrategy(exponential({ attemptsBeforeResetBackoff: 3 }), clock);
    expect(delays(s, clock, 3)).toEqual([1000, 2000, 4000]);
    clock.advance(59_000); // ran 59 s (+10 ms) since the restart: not long enough
    expect(s.onFailure()).toEqual({ restart: false, reason: expect.stringMatching(/attempts-before-reset-backoff \(3\)/) });
    clock.advance(1000);
    expect(s.onFailure()).toEqual({ restart: true, attempt: 1, delayMs: 1000 });
  });

  it('fixed-delay restarts `attempts` times with the same delay, then gives up', () => {
    const clock = virtualClock();
    const s = new RestartStrategy({ type: 'fixed-delay', attempts: 2, delayMs: 250 }, clock);
    expect(s.onFailure()).toEqual({ restart: true, attempt: 1, delayMs: 250 });
    clock.advance(10 * 3_600_000); // no reset for fixed-delay, however long the job ran
    expect(s.onFailure()).toEqual({ restart: true, attempt: 2, delayMs: 250 });
    expect(s.onFailure()).toMatchObject({ restart: false, reason: expect.stringContaining('fixed-delay.attempts (2)') });
  });

  it('none never restarts', () => {
    expect(new RestartStrategy({ type: 'none' }).onFailure()).toMatchObject({ restart: false });
  });
});

describe('restart-strategy settings', () => {
  it("accepts Flink's names and aliases, durations and 'infinite'", () => {
    expect(restartStrategyConfig({ 'restart-strategy.type': 'FixedDelay', 'restart-strategy.fixed-delay.delay': '2 min' })).toEqual({ type: 'fixed-delay', attempts: 1, delayMs: 120_000 });
    for (const off of ['none', 'off', 'disable']) expect(restartStrategyConfig({ 'restart-strategy.type': off })).toEqual({ type: 'none' });
    expect(restartStrategyConfig({ 'restart-strategy.type': 'exponentialdelay' }, { 'restart-strategy.exponential-delay.initial-backoff': '200ms' })).toMatchObject({ initialBackoffMs: 200 });
    expect(restartSettingProblem('restart-strategy.exponential-delay.attempts-before-reset-backoff', 'infinite')).toBeUndefined();
  });

  it('names what is wrong, with a did-you-mean for a misspelt key or type', () => {
    expect(restartSettingProblem('restart-strategy.exponential-delay.max-backof', '1 s')).toMatch(/unknown setting .*did you mean 'restart-strategy\.exponential-delay\.max-backoff'/);
    expect(restartSettingProblem('restart-strategy.type', 'exponental-delay')).toMatch(/did you mean 'exponential-delay'/);
    expect(restartSettingProblem('restart-strategy.type', 'failure-rate')).toMatch(/does not offer/);
    expect(restartSettingProblem('restart-strategy.fixed-delay.delay', 'soon')).toMatch(/expects a duration/);
    expect(restartSettingProblem('restart-strategy.exponential-delay.jitter-factor', '2')).toMatch(/from 0 to 1/);
    expect(restartSettingProblem('restart-strategy.exponential-delay.backoff-multiplier', '0.5')).toMatch(/at least 1/);
  });
});
