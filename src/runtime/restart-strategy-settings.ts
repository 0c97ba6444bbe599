import { assertNever } from '../types/data-type.js';
import { closestMatch } from '../spi/did-you-mean.js';
import { parseDuration } from '../spi/duration.js';
import type { RestartStrategyConfig } from './restart-strategy.js';

/**
 * The `restart-strategy.*` settings with Flink's spellings and defaults (Flink 1.19+ / 2.x). The
 * daemon config and a job's `SET` statements both go through here: one rule for what a value
 * means and whether it is valid.
 */
type Parsed = { readonly value: number | string } | { readonly problem: string };

interface SettingSpec {
  readonly default: string;
  readonly doc: string;
  readonly parse: (text: string) => Parsed;
}

const TYPES: Readonly<Record<string, RestartStrategyConfig['type']>> = {
  'exponential-delay': 'exponential-delay',
  exponentialdelay: 'exponential-delay',
  'fixed-delay': 'fixed-delay',
  fixeddelay: 'fixed-delay',
  none: 'none',
  off: 'none',
  disable: 'none',
};

const duration = (min: number) => (text: string): Parsed => {
  const ms = parseDuration(text);
  if (ms === undefined) return { problem: `expects a duration such as '1 s', '500 ms' or '1 min', got '${text}'` };
  if (ms < min) return { problem: `must be at least ${min} ms, got '${text}'` };
  return { value: ms };
};

const number = (min: number, max: number) => (text: string): Parsed => {
  const n = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    return { problem: `expects a number ${max === Infinity ? `of at least ${min}` : `from ${min} to ${max}`}, got '${text}'` };
  }
  return { value: n };
};

const count = (min: number, infinite: boolean) => (text: string): Parsed => {
  if (infinite && /^\s*infinite\s*$/i.test(text)) return { value: Infinity };
  const n = Number(text.trim());
  if (!/^\s*\d+\s*$/.test(text) || n < min) return { problem: `expects a whole number of at least ${min}${infinite ? " or 'infinite'" : ''}, got '${text}'` };
  return { value: n };
};

export const RESTART_STRATEGY_SETTINGS: Readonly<Record<string, SettingSpec>> = {
  'restart-strategy.type': {
    default: 'exponential-delay',
    doc: "How a failed job comes back: 'exponential-delay' (or 'exponentialdelay'), 'fixed-delay' (or 'fixeddelay'), 'none' (or 'off', 'disable').",
    parse: (text) => {
      const t = TYPES[text.trim().toLowerCase()];
      if (t) return { value: t };
      if (/^failure-?rate$/i.test(text.trim())) return { problem: `'${text}' is a Flink restart strategy predictd does not offer; use 'exponential-delay', 'fixed-delay' or 'none'` };
      const hint = closestMatch(text.trim(), Object.keys(TYPES));
      return { problem: `expects 'exponential-delay', 'fixed-delay' or 'none', got '${text}'${hint ? `; did you mean '${hint}'?` : ''}` };
    },
  },
  'restart-strategy.exponential-delay.initial-backoff': { default: '1 s', doc: 'exponential-delay: the delay before the first restart.', parse: duration(1) },
  'restart-strategy.exponential-delay.max-backoff': { default: '1 min', doc: 'exponential-delay: the longest delay between restarts.', parse: duration(1) },
  'restart-strategy.exponential-delay.backoff-multiplier': { default: '1.5', doc: 'exponential-delay: the delay is multiplied by this after every failure, up to max-backoff.', parse: number(1, Infinity) },
  'restart-strategy.exponential-delay.reset-backoff-threshold': {
    default: '1 h',
    doc: 'exponential-delay: a job that ran this long since its last restart starts again from initial-backoff (and attempt 1).',
    parse: duration(1),
  },
  'restart-strategy.exponential-delay.jitter-factor': { default: '0.1', doc: 'exponential-delay: each delay moves by up to this fraction, randomly, so jobs do not restart in step.', parse: number(0, 1) },
  'restart-strategy.exponential-delay.attempts-before-reset-backoff': {
    default: 'infinite',
    doc: "exponential-delay: restarts before the job stays FAILED, counted since the last backoff reset; 'infinite' never gives up.",
    parse: count(1, true),
  },
  'restart-strategy.fixed-delay.attempts': { default: '1', doc: 'fixed-delay: restarts before the job stays FAILED (counted over the life of the job).', parse: count(0, false) },
  'restart-strategy.fixed-delay.delay': { default: '1 s', doc: 'fixed-delay: the delay before each restart.', parse: duration(0) },
};

const KEYS = Object.keys(RESTART_STRATEGY_SETTINGS);

/** True for keys this module owns: Flink's old `restart-strategy` key and every `restart-strategy.*`. */
export function isRestartStrategyKey(key: string): boolean {
  return key === 'restart-strategy' || key.startsWith('restart-strategy.');
}

/** Why `key = value` is not a valid restart setting (with a did-you-mean for a misspelt key), or undefined when it is. */
export function restartSettingProblem(key: string, value: string): string | undefined {
  const spec = RESTART_STRATEGY_SETTINGS[key];
  if (!spec) {
    const hint = closestMatch(key, KEYS);
    return `unknown setting '${key}'${hint ? `; did you mean '${hint}'?` : ''} (known: ${KEYS.join(', ')})`;
  }
  const parsed = spec.parse(value);
  return 'problem' in parsed ? `'${key}' ${parsed.problem}` : undefined;
}

/**
 * The strategy the settings describe, Flink's defaults filling what is not set. Later maps win
 * (daemon config first, then the job's SET statements). Throws on a value that does not parse:
 * callers check settings with restartSettingProblem first.
 */
export function restartStrategyConfig(...layers: ReadonlyArray<Readonly<Record<string, string | undefined>>>): RestartStrategyConfig {
  const get = <T extends number | string>(key: string): T => {
    let text = RESTART_STRATEGY_SETTINGS[key]!.default;
    for (const layer of layers) if (layer[key] !== undefined) text = layer[key]!;
    const parsed = RESTART_STRATEGY_SETTINGS[key]!.parse(text);
    if ('problem' in parsed) throw new Error(`'${key}' ${parsed.problem}`);
    return parsed.value as T;
  };
  const type = get<RestartStrategyConfig['type']>('restart-strategy.type');
  switch (type) {
    case 'none':
      return { type };
    case 'fixed-delay':
      return { type, attempts: get('restart-strategy.fixed-delay.attempts'), delayMs: get('restart-strategy.fixed-delay.delay') };
    case 'exponential-delay': {
      const initialBackoffMs = get<number>('restart-strategy.exponential-delay.initial-backoff');
      return {
        type,
        initialBackoffMs,
        maxBackoffMs: Math.max(initialBackoffMs, get<number>('restart-strategy.exponential-delay.max-backoff')),
        backoffMultiplier: get('restart-strategy.exponential-delay.backoff-multiplier'),
        resetBackoffThresholdMs: get('restart-strategy.exponential-delay.reset-backoff-threshold'),
        jitterFactor: get('restart-strategy.exponential-delay.jitter-factor'),
        attemptsBeforeResetBackoff: get('restart-strategy.exponential-delay.attempts-before-reset-backoff'),
      };
    }
    default:
      return assertNever(type, 'restart strategy');
  }
}

/** The restart settings of a SET map (a job's `plan.catalog.settings`). */
export function restartSettingsOf(settings: ReadonlyMap<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of settings) if (k in RESTART_STRATEGY_SETTINGS) out[k] = v;
  return out;
}
