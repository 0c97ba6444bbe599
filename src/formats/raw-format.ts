import type { ResolvedOptions } from '../spi/config-spec.js';
import type { SyncFormat, SyncFormatFactory } from '../spi/format.js';
import { FormatError } from '../spi/format.js';
import type { Column } from '../types/data-type.js';
import { charsetByName, SUPPORTED_CHARSETS } from './charset.js';
import { preview, typeName } from './scalar-text.js';

/**
 * Flink's 'raw' format: the whole message is one STRING (decoded with raw.charset) or BYTES
 * column. Flink maps a NULL value to a Kafka null value (tombstone) both ways; the Format
 * contract has no null, so the Kafka connector does that part.
 */
export const rawFormat: SyncFormatFactory = {
  name: 'raw',
  summary: 'The whole message as one STRING or BYTES column (Flink raw).',
  spec: {
    options: [
      {
        key: 'charset',
        type: { kind: 'string' },
        default: 'UTF-8',
        description: `Character set of STRING columns: ${SUPPORTED_CHARSETS.join(', ')}.`,
      },
      {
        key: 'endianness',
        type: { kind: 'enum', values: ['big-endian', 'little-endian'] },
        default: 'big-endian',
        description: 'Accepted for Flink compatibility; only matters for numeric columns, which predictd does not support in raw.',
      },
    ],
  },
  create(columns: readonly Column[], options: ResolvedOptions): SyncFormat {
    if (columns.length !== 1) {
      throw new Error(`raw: the format needs exactly one physical column, got ${columns.length} (${columns.map((c) => c.name).join(', ')})`);
    }
    const column = columns[0]!;
    const kind = column.type.kind;
    if (kind === 'BYTES') {
      return {
        // A copy: the input may be a view into a larger fetch buffer.
        decode: (bytes) => [new Uint8Array(bytes)],
        encode: (row) => {
          const v = row[0] ?? null;
          if (v instanceof Uint8Array) return v;
          throw new FormatError(`raw: column '${column.name}' holds ${preview(v)}, not bytes`);
        },
      };
    }
    if (kind !== 'STRING' && kind !== 'VARCHAR' && kind !== 'CHAR') {
      throw new Error(`raw: column '${column.name}' is ${typeName(column.type)}; the raw format supports one STRING or BYTES column`);
    }
    const name = options.get<string>('charset') ?? 'UTF-8';
    const charset = charsetByName(name);
    if (!charset) throw new Error(`raw: unsupported charset '${name}'; use one of ${SUPPORTED_CHARSETS.join(', ')}`);
    return {
      decode: (bytes) => [charset.decode(bytes)],
      encode: (row) => {
        const v = row[0] ?? null;
        if (typeof v === 'string') return charset.encode(v);
        throw new FormatError(`raw: column '${column.name}' holds ${preview(v)}, not a string`);
      },
    };
  },
};
