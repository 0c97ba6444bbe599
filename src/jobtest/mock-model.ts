import type { ModelEntry } from '../catalog/catalog-entries.js';
import { physicalOutputs } from '../spi/error-columns.js';
import { ModelCallError, type ModelClient, type ModelProviderFactory, type ModelResponse } from '../spi/model-provider.js';
import type { Row, Value } from '../types/data-type.js';
import type { JsonEntry, JsonRows } from './json-lines.js';
import { RowCodec } from './row-codec.js';
import type { ProblemList } from './test-problems.js';

type Answer = { readonly output: Row } | { readonly error: string };

/** What a mocked model saw that its answers did not cover: reported after the run, never silent. */
export interface MockLog {
  readonly unanswered: string[];
}

const ENTRY_KEYS = ['input', 'output', 'error'];
/** The start of the error an input without an answer gets. */
export const NO_ANSWER = 'no mocked answer for input';

/**
 * A provider that answers from a table of input -> output, in place of the model's own provider.
 * It plugs in where the real one does, so the limiter, retries and `error-handling-strategy`
 * still apply. An input without an answer fails like a 400 (a row the model rejects) and is
 * listed in `log.unanswered`, which fails the test even when the model's strategy let the row go.
 */
export function mockProvider(model: ModelEntry, answers: JsonRows, problems: ProblemList, log: MockLog): ModelProviderFactory {
  const inputs = new RowCodec(model.inputs);
  const outputs = new RowCodec(physicalOutputs(model.outputs));
  const table = new Map<string, { answer: Answer; line: number }>();
  for (const entry of answers.entries) {
    const read = readEntry(entry, answers, model, inputs, outputs, problems);
    if (!read) continue;
    const key = inputs.canonical(read.input);
    const first = table.get(key);
    if (first) problems.add(answers.file, answers.source, 'PD5103', `model '${model.name}': a second answer for input ${key} (the first is on line ${first.line})`, entry.span);
    else table.set(key, { answer: read.answer, line: entry.span.line });
  }
  const client: ModelClient = {
    quotaKey: `mock:${model.name}`,
    estimateTokens: () => 1,
    async call(values: readonly Value[]): Promise<ModelResponse> {
      const key = inputs.canonical([...values]);
      const found = table.get(key)?.answer;
      if (!found) {
        log.unanswered.push(`model '${model.name}' has no mocked answer for input ${key} (${answers.file})`);
        throw new ModelCallError('fatal', `${NO_ANSWER} ${key}`, { status: 400 });
      }
      if ('error' in found) throw new ModelCallError('fatal', found.error, { status: 400 });
      return { rows: [found.output] };
    },
  };
  return {
    names: ['mock'],
    summary: `answers of ${answers.file}`,
    spec: { options: [] },
    checkSchema: () => [],
    create: () => client,
  };
}

function readEntry(entry: JsonEntry, rows: JsonRows, model: ModelEntry, inputs: RowCodec, outputs: RowCodec, problems: ProblemList): { input: Row; answer: Answer } | undefined {
  const what = `model '${model.name}'`;
  const fail = (message: string) => {
    problems.add(rows.file, rows.source, 'PD5103', `${what}: ${message}`, entry.span);
    return undefined;
  };
  const value = entry.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('a mocked answer is an object: {"input": ..., "output": ...} or {"input": ..., "error": "..."}');
  const obj = value as Record<string, unknown>;
  const unknown = Object.keys(obj).find((k) => !ENTRY_KEYS.includes(k));
  if (unknown !== undefined) return fail(`unknown field '${unknown}' (known: ${ENTRY_KEYS.join(', ')})`);
  if (!Object.hasOwn(obj, 'input')) return fail("no 'input'");
  if (Object.hasOwn(obj, 'output') === Object.hasOwn(obj, 'error')) return fail("give either 'output' or 'error'");
  const input = inputs.read({ value: byColumn(obj['input'], inputs), span: entry.span }, rows, `${what} input`, problems, true);
  if (!input) return undefined;
  if (Object.hasOwn(obj, 'error')) {
    if (typeof obj['error'] !== 'string') return fail("'error' is the message of the failed call, a string");
    return { input, answer: { error: obj['error'] } };
  }
  const output = outputs.read({ value: byColumn(obj['output'], outputs), span: entry.span }, rows, `${what} output`, problems, true);
  return output ? { input, answer: { output } } : undefined;
}

/**
 * With one column the value is written as is ("input": "text"); with several, as an object by
 * column name or an array in column order.
 */
function byColumn(value: unknown, codec: RowCodec): unknown {
  const names = codec.columns.map((c) => c.name);
  if (names.length === 1) return { [names[0]!]: value };
  if (Array.isArray(value)) return Object.fromEntries(names.map((n, i) => [n, value[i] ?? null]));
  return value;
}
