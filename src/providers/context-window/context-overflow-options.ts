import type { OptionSpec, ResolvedOptions } from '../../spi/config-spec.js';
import { assertNever } from '../../types/data-type.js';

/** Flink 2.2's `ContextOverflowAction` values, as written in the WITH map. */
export const CONTEXT_OVERFLOW_ACTIONS = [
  'truncated-tail',
  'truncated-tail-log',
  'truncated-head',
  'truncated-head-log',
  'skipped',
  'skipped-log',
] as const;

export type ContextOverflowAction = (typeof CONTEXT_OVERFLOW_ACTIONS)[number];

/**
 * The two options, declared once in the shared model spec so that every provider (and every
 * provider added later) accepts them. Names, values and default are Flink 2.2's OpenAI provider's;
 * the snake_case spellings are VVR's Python provider's.
 */
export const CONTEXT_OVERFLOW_OPTIONS: readonly OptionSpec[] = Object.freeze([
  {
    key: 'max-context-size',
    type: { kind: 'int', min: 1 },
    aliases: ['max_context_size', 'maxContextSize'],
    description:
      'Most tokens one row may send: the system prompt plus the row\'s input text, counted before the request is built. ' +
      'A row over it is handled by `context-overflow-action`. Counted with the model\'s real tokenizer for OpenAI model names ' +
      '(`o200k_base` for gpt-4o, gpt-4.1, gpt-4.5, gpt-5 and the o-series; `cl100k_base` for gpt-4, gpt-3.5 and text-embedding-3/ada-002), ' +
      'else with an estimate (1 token per 4 ASCII characters, 1 per other character; see "Context window" in docs/providers.md). Unset: rows are sent whole.',
  },
  {
    key: 'context-overflow-action',
    type: { kind: 'enum', values: CONTEXT_OVERFLOW_ACTIONS },
    default: 'truncated-tail',
    aliases: ['context_overflow_action', 'contextOverflowAction'],
    description:
      'What a row over `max-context-size` becomes: `truncated-tail` keeps the beginning of the input text (cut on a token boundary), ' +
      '`truncated-head` keeps its end, `skipped` drops the row without a call (no output row, as Flink does). ' +
      'The `-log` variants also log a warning, at most one per model per minute with the count of rows it covers (never the text). ' +
      'Every action is counted in `predictd_model_context_overflow_total`.',
  },
]);

/** The two options compiled once; absent when `max-context-size` is unset (nothing is counted then). */
export interface ContextOverflowPolicy {
  readonly maxContextSize: number;
  readonly action: ContextOverflowAction;
}

export function compileContextOverflow(options: ResolvedOptions): ContextOverflowPolicy | undefined {
  const maxContextSize = options.get<number>('max-context-size');
  if (maxContextSize === undefined) return undefined;
  const action = (options.get<string>('context-overflow-action') ?? 'truncated-tail').toLowerCase() as ContextOverflowAction;
  return Object.freeze({ maxContextSize, action });
}

/** Which end of the text a truncating action keeps, or 'skip'. */
export function overflowCut(action: ContextOverflowAction): 'start' | 'end' | 'skip' {
  switch (action) {
    case 'truncated-tail':
    case 'truncated-tail-log':
      return 'start';
    case 'truncated-head':
    case 'truncated-head-log':
      return 'end';
    case 'skipped':
    case 'skipped-log':
      return 'skip';
    default:
      return assertNever(action, 'context overflow action');
  }
}

export function logsOverflow(action: ContextOverflowAction): boolean {
  return action.endsWith('-log');
}
