/**
 * A connector's or provider's WITH (...) options, declared as data. The catalog validates a
 * WITH map against the spec (unknown key -> error with a did-you-mean, missing required key,
 * wrong type), and docs tables are generated from the same spec.
 */
export type OptionType =
  | { readonly kind: 'string' }
  | { readonly kind: 'int'; readonly min?: number; readonly max?: number }
  | { readonly kind: 'double'; readonly min?: number; readonly max?: number }
  | { readonly kind: 'boolean' }
  /**
   * Flink durations: '500ms', '5 s', '3 min', '1h'; a bare number means milliseconds, or seconds
   * with `bareNumber: 'seconds'` (Confluent's `<provider>.client_timeout`). `positive` rejects 0.
   */
  | { readonly kind: 'duration'; readonly bareNumber?: 'seconds'; readonly positive?: boolean }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  /** A comma- or semicolon-separated list of strings. */
  | { readonly kind: 'list' };

export interface OptionSpec {
  /** The key as users write it, e.g. 'scan.startup.mode'. */
  readonly key: string;
  readonly type: OptionType;
  readonly required?: boolean;
  /** The default as the user would write it; parsed like a user value. */
  readonly default?: string;
  readonly description: string;
  /** Other spellings accepted for the same option (Flink's deprecated keys, VVR camelCase, Confluent's `<provider>.x_y`). */
  readonly aliases?: readonly string[];
  /** Never printed: logs, errors, SHOW CREATE and the admin API redact it. */
  readonly secret?: boolean;
}

export interface ConfigSpec {
  readonly options: readonly OptionSpec[];
  /** Key prefixes passed through unchecked, e.g. 'properties.' for Kafka client settings. */
  readonly passthroughPrefixes?: readonly string[];
}

/** A validated options map: canonical keys -> parsed values (defaults filled in). */
export type OptionValue = string | number | boolean | readonly string[];

export interface ResolvedOptions {
  /** Parsed value of a declared option (its default when unset), or undefined. */
  get<T extends OptionValue>(key: string): T | undefined;
  /** Like get, but throws when the option has no value (only for required options). */
  require<T extends OptionValue>(key: string): T;
  /** Raw string values under a passthrough prefix, with the prefix removed. */
  withPrefix(prefix: string): Readonly<Record<string, string>>;
  /** Every raw key/value as written (after alias canonicalisation). */
  readonly raw: Readonly<Record<string, string>>;
}

export interface OptionProblem {
  readonly key: string;
  readonly message: string;
  readonly kind: 'unknown' | 'missing' | 'invalid';
}
