import type { Diagnostic } from '../../errors/diagnostic.js';

/**
 * Unwinds the parser to the statement loop, which records the diagnostic and resyncs at the
 * next `;`. `diagnostic` is null when the problem was already reported (by the tokenizer, or
 * inside a statement set); `resynced` says the cursor already sits after the broken statement.
 */
export class ParseError extends Error {
  readonly diagnostic: Diagnostic | null;
  readonly resynced: boolean;

  constructor(diagnostic: Diagnostic | null, resynced = false) {
    super(diagnostic?.message ?? 'already reported');
    this.name = 'ParseError';
    this.diagnostic = diagnostic;
    this.resynced = resynced;
  }
}
