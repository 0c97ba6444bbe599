import { createJsonDecoder } from '../formats/json-decoder.js';
import { createJsonEncoder } from '../formats/json-encoder.js';
import { closestMatch } from '../spi/did-you-mean.js';
import type { Column, Row } from '../types/data-type.js';
import type { JsonEntry, JsonRows } from './json-lines.js';
import type { ProblemList } from './test-problems.js';

/**
 * Rows in a test are JSON objects keyed by column name, read and written as Flink's json format
 * does (SQL timestamps, numbers from numeric strings): the text a Kafka topic of the table holds.
 */
export class RowCodec {
  readonly #columns: readonly Column[];
  readonly #decode: (bytes: Uint8Array) => Row;
  readonly #encode: (row: Row) => Uint8Array;
  readonly #utf8 = new TextEncoder();
  readonly #text = new TextDecoder();

  constructor(columns: readonly Column[]) {
    this.#columns = columns;
    this.#decode = createJsonDecoder(columns, { failOnMissingField: false, timestampStandard: 'SQL' });
    this.#encode = createJsonEncoder(columns, {
      timestampStandard: 'SQL',
      decimalAsPlainNumber: false,
      ignoreNullFields: false,
      mapNullKeyMode: 'LITERAL',
      mapNullKeyLiteral: 'null',
    });
  }

  get columns(): readonly Column[] {
    return this.#columns;
  }

  /**
   * One written row -> a Row in column order. A key that is no column, and (with `complete`) a
   * column without a key, is a PD5103 problem: a typo must not quietly become NULL.
   */
  read(entry: JsonEntry, rows: JsonRows, what: string, problems: ProblemList, complete: boolean): Row | undefined {
    const { value } = entry;
    const fail = (message: string) => {
      problems.add(rows.file, rows.source, 'PD5103', `${what}: ${message}`, entry.span);
      return undefined;
    };
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(`a row is a JSON object keyed by column name, not ${JSON.stringify(value)}`);
    const names = this.#columns.map((c) => c.name);
    for (const key of Object.keys(value)) {
      if (names.includes(key)) continue;
      const hint = closestMatch(key, names);
      return fail(`no column '${key}'${hint ? `; did you mean '${hint}'?` : ''} (columns: ${names.join(', ')})`);
    }
    if (complete) {
      const missing = names.filter((n) => !Object.hasOwn(value, n));
      if (missing.length > 0) return fail(`the row has no value for ${missing.map((n) => `'${n}'`).join(', ')} (write null for NULL)`);
    }
    try {
      return this.#decode(this.#utf8.encode(JSON.stringify(value)));
    } catch (err) {
      return fail((err as Error).message);
    }
  }

  /**
   * The canonical text of a row: what the json format writes for it after one read-back, so a
   * FLOAT the runtime computed in double precision compares equal to the same number written.
   */
  canonical(row: Row): string {
    const once = this.#encode(row);
    return this.#text.decode(this.#encode(this.#decode(once)));
  }
}
