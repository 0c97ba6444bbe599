import type { Column, Row } from '../types/data-type.js';
import type { ConfigSpec, ResolvedOptions } from './config-spec.js';

/** Thrown by a decoder for a record it cannot read; connectors decide (skip with ignore-parse-errors, or fail). */
export class FormatError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FormatError';
  }
}

export interface Format {
  /** Bytes -> one value per column, in column order. Throws FormatError on bad input. */
  decode(bytes: Uint8Array): Row;
  encode(row: Row): Uint8Array;
}

export interface FormatFactory {
  /** The 'format' option value, e.g. 'json'. Its options are written '<name>.<option>'. */
  readonly name: string;
  readonly summary: string;
  /** Options without the '<name>.' prefix, e.g. 'ignore-parse-errors' for 'json.ignore-parse-errors'. */
  readonly spec: ConfigSpec;
  create(columns: readonly Column[], options: ResolvedOptions): Format;
}
