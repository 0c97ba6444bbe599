import type { Registry } from '../spi/registry.js';
import { csvFormat } from './csv-format.js';
import { jsonFormat } from './json-format.js';
import { rawFormat } from './raw-format.js';

/** Registers the built-in formats: json, raw and csv. */
export function registerFormats(registry: Registry): void {
  registry.registerFormat(jsonFormat).registerFormat(rawFormat).registerFormat(csvFormat);
}
