import type { ResolvedOptions } from '../../spi/config-spec.js';
import type { SyncFormat, SyncFormatFactory } from '../../spi/format.js';
import type { Column } from '../../types/data-type.js';
import { AvroCodec, parseSchemaOption } from './avro-codec.js';
import { deriveAvroSchema } from './avro-schema.js';

/** Options avro and avro-confluent share, by Flink's names. */
export const AVRO_SCHEMA_OPTIONS = [
  {
    key: 'timestamp_mapping.legacy',
    type: { kind: 'boolean' },
    default: 'true',
    description:
      "Flink's legacy timestamp mapping: TIMESTAMP and TIMESTAMP_LTZ both as timestamp-millis (micros above precision 3); false writes TIMESTAMP as local-timestamp-millis/micros.",
  },
] as const;

/** The table's Avro codec: the schema given in `option`, else the one derived from the columns. */
export function tableCodec(columns: readonly Column[], options: ResolvedOptions, option: string): AvroCodec {
  const given = options.get<string>('schema');
  const schema = given !== undefined ? parseSchemaOption(given, option) : deriveAvroSchema(columns, { legacyTimestamps: options.get<boolean>('timestamp_mapping.legacy') ?? true });
  return new AvroCodec(columns, schema);
}

/** Flink's 'avro' format: Avro binary without a header, written and read with one schema (no registry). */
export const avroFormat: SyncFormatFactory = {
  name: 'avro',
  summary: "Avro binary without a header, with the schema derived from the columns (Flink's type mapping) or given in 'avro.schema' (Flink avro).",
  spec: {
    options: [
      {
        key: 'schema',
        type: { kind: 'string' },
        description: "The Avro schema (JSON of a record whose fields are named as the columns); by default the one derived from the columns.",
      },
      ...AVRO_SCHEMA_OPTIONS,
    ],
  },
  create(columns: readonly Column[], options: ResolvedOptions): SyncFormat {
    const codec = tableCodec(columns, options, 'avro.schema');
    return { decode: (bytes) => codec.decode(bytes), encode: (row) => codec.encode(row) };
  },
};
