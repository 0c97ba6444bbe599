import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { closestMatch } from '../spi/did-you-mean.js';
import { jsonErrorOffset, jsonErrorText, parseJsonLines, type JsonRows } from './json-lines.js';
import { spanAt, type ProblemList } from './test-problems.js';

/**
 * A job test, as `rpk connect test` has them: rows for the tables the job reads, answers for its
 * models, and the rows each table it writes must receive.
 */
export interface TestDefinition {
  readonly file: string;
  readonly source: string;
  readonly description: string | undefined;
  /** Compare each sink's rows in order (default: as a multiset, since ALLOW_UNORDERED and several pipelines reorder). */
  readonly ordered: boolean;
  /** Table name -> fixture rows (objects keyed by column name). */
  readonly inputs: ReadonlyMap<string, JsonRows>;
  /** Model name -> mocked answers ({"input": ..., "output": ...}). */
  readonly models: ReadonlyMap<string, JsonRows>;
  /** Table name -> expected rows. */
  readonly expected: ReadonlyMap<string, JsonRows>;
  /** Where a key of the definition is written, for messages: `offsetOf('inputs', 'reviews')`. */
  offsetOf(...path: string[]): number;
}

const FIELDS = ['description', 'ordered', 'inputs', 'models', 'expected'] as const;
const ROW_MAPS = ['inputs', 'models', 'expected'] as const;

/** The convention: `jobs/movie-sentiment.sql` is tested by `jobs/movie-sentiment.test.json`. */
export function definitionFileFor(jobFile: string): string {
  return jobFile.replace(/\.sql$/i, '') + '.test.json';
}

/**
 * Reads a definition and every rows file it names (relative to the definition's folder).
 * Problems go to `problems` (PD5101 shape, PD5103 rows); returns undefined when the file itself
 * cannot be used.
 */
export async function loadTestDefinition(file: string, problems: ProblemList): Promise<TestDefinition | undefined> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (err) {
    problems.addAt(file, '', 'PD5101', `cannot read the test definition: ${(err as Error).message}`, 0);
    return undefined;
  }
  let root: unknown;
  try {
    root = JSON.parse(source);
  } catch (err) {
    problems.addAt(file, source, 'PD5101', `not valid JSON: ${jsonErrorText(err)}`, jsonErrorOffset(err) ?? 0);
    return undefined;
  }
  const offsetOf = (...path: string[]) => locate(source, path);
  if (!isPlainObject(root)) {
    problems.addAt(file, source, 'PD5101', 'a test definition is a JSON object: {"inputs": {...}, "models": {...}, "expected": {...}}', 0);
    return undefined;
  }
  for (const key of Object.keys(root)) {
    if ((FIELDS as readonly string[]).includes(key)) continue;
    const hint = closestMatch(key, FIELDS);
    problems.addAt(file, source, 'PD5101', `unknown field '${key}'${hint ? `; did you mean '${hint}'?` : ''} (known: ${FIELDS.join(', ')})`, offsetOf(key), key.length + 2);
  }
  const description = root['description'];
  if (description !== undefined && typeof description !== 'string') problems.addAt(file, source, 'PD5101', "'description' must be a string", offsetOf('description'));
  const ordered = root['ordered'] ?? false;
  if (typeof ordered !== 'boolean') problems.addAt(file, source, 'PD5101', "'ordered' must be true or false", offsetOf('ordered'));
  const maps = {} as Record<(typeof ROW_MAPS)[number], Map<string, JsonRows>>;
  for (const field of ROW_MAPS) maps[field] = await loadRowMap(file, source, root, field, offsetOf, problems);
  return {
    file,
    source,
    description: typeof description === 'string' ? description : undefined,
    ordered: ordered === true,
    inputs: maps.inputs,
    models: maps.models,
    expected: maps.expected,
    offsetOf,
  };
}

/** `"field": {"name": "rows.jsonl" | [ {...}, ... ]}` -> name -> rows. */
async function loadRowMap(
  file: string,
  source: string,
  root: Record<string, unknown>,
  field: string,
  offsetOf: (...path: string[]) => number,
  problems: ProblemList,
): Promise<Map<string, JsonRows>> {
  const out = new Map<string, JsonRows>();
  const value = root[field];
  if (value === undefined) return out;
  if (!isPlainObject(value)) {
    problems.addAt(file, source, 'PD5101', `'${field}' must be an object: {"<name>": "<file>.jsonl" or [ rows ]}`, offsetOf(field));
    return out;
  }
  for (const [name, rows] of Object.entries(value)) {
    const at = offsetOf(field, name);
    if (typeof rows === 'string') {
      const path = resolve(dirname(file), rows);
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (err) {
        problems.addAt(file, source, 'PD5101', `${field} '${name}': cannot read '${rows}': ${(err as Error).message}`, locate(source, [field, name], rows), rows.length + 2);
        continue;
      }
      out.set(name, parseJsonLines(displayPath(file, rows), text, problems));
    } else if (Array.isArray(rows)) {
      const span = spanAt(source, at, name.length + 2);
      out.set(name, { file, source, entries: rows.map((row: unknown) => ({ value: row, span })) });
    } else {
      problems.addAt(file, source, 'PD5101', `${field} '${name}' must name a JSON lines file (a string) or list rows inline (an array)`, at, name.length + 2);
    }
  }
  return out;
}

/** A rows file named as the user would find it: relative to the definition, shown from the working folder. */
function displayPath(definition: string, rows: string): string {
  const dir = dirname(definition);
  return dir === '.' ? rows : `${dir}/${rows}`;
}

/**
 * Where a key path is written: each key searched as `"key"` after the previous one. JSON.parse
 * keeps no positions; for the small files a test definition is, the first match in order is the key.
 */
function locate(source: string, path: readonly string[], value?: string): number {
  let at = 0;
  for (const key of [...path, ...(value === undefined ? [] : [value])]) {
    const found = source.indexOf(JSON.stringify(key), at);
    if (found < 0) return at;
    at = found;
  }
  return at;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
