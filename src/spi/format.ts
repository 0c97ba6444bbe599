import type { Column, Row } from '../types/data-type.js';
import type { ConfigSpec, ResolvedOptions } from './config-spec.js';
import type { Logger } from './logger.js';

/**
 * Thrown by a format for a record (or row) it cannot read or write: a row error, routed by the
 * connector (skip with ignore-parse-errors, errors.tolerance / dead-letter topic, or fail).
 */
export class FormatError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FormatError';
  }
}

/**
 * Thrown (or rejected) by a format whose outside dependency is down, e.g. a schema registry
 * that does not answer: nothing is wrong with the record, so the connector must not route it
 * but try the same record again later (it heals by itself once the service is back).
 */
export class FormatUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FormatUnavailableError';
  }
}

/**
 * A value now, or later. Formats without I/O (json, csv, raw) answer synchronously, so their
 * callers never allocate a promise per record; a format with I/O (a schema fetch) returns a
 * promise only until its cache holds what the record needs.
 */
export type MaybePromise<T> = T | Promise<T>;

export function isPromise<T>(v: MaybePromise<T>): v is Promise<T> {
  return typeof (v as { then?: unknown } | null)?.then === 'function';
}

export interface Format {
  /** Bytes -> one value per column, in column order. Throws (or rejects with) FormatError on bad input. */
  decode(bytes: Uint8Array): MaybePromise<Row>;
  encode(row: Row): MaybePromise<Uint8Array>;
  /** Releases clients (a registry connection); idempotent. Formats without resources leave it out. */
  close?(): Promise<void>;
}

/** What a format is created with besides its columns and options. */
export interface FormatContext {
  readonly log: Logger;
  /** Aborted when the owner (a source or sink) closes: pending I/O of the format stops. */
  readonly signal: AbortSignal;
  /** Whether the format reads/writes the record's key or its value (a registry subject is '<topic>-key' or '<topic>-value'). */
  readonly part: 'key' | 'value';
  /** The one topic written or read, when there is exactly one. */
  readonly topic: string | undefined;
}

export interface FormatFactory {
  /** The 'format' option value, e.g. 'json'. Its options are written '<name>.<option>'. */
  readonly name: string;
  readonly summary: string;
  /** Options without the '<name>.' prefix, e.g. 'ignore-parse-errors' for 'json.ignore-parse-errors'. */
  readonly spec: ConfigSpec;
  create(columns: readonly Column[], options: ResolvedOptions, ctx: FormatContext): Format;
}

/** A format without I/O: answers every record synchronously and holds nothing to close. */
export interface SyncFormat extends Format {
  decode(bytes: Uint8Array): Row;
  encode(row: Row): Uint8Array;
}

/** The factory of a format without I/O (json, csv, raw): it needs no context. */
export interface SyncFormatFactory extends FormatFactory {
  create(columns: readonly Column[], options: ResolvedOptions, ctx?: FormatContext): SyncFormat;
}
