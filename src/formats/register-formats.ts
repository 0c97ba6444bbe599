import type { Registry } from '../spi/registry.js';
import { avroConfluentFormat } from './avro/avro-confluent-format.js';
import { avroFormat } from './avro/avro-format.js';
import { csvFormat } from './csv-format.js';
import { jsonFormat } from './json-format.js';
import { rawFormat } from './raw-format.js';

/** Registers the built-in formats: json, raw, csv, avro and avro-confluent. */
export function registerFormats(registry: Registry): void {
  registry.registerFormat(jsonFormat).registerFormat(rawFormat).registerFormat(csvFormat).registerFormat(avroFormat).registerFormat(avroConfluentFormat);
}
