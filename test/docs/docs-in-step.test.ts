import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderErrorsDoc, renderOperationsConfigTable } from '../../scripts/docs-render.js';
import { ERROR_CODES } from '../../src/errors/error-codes.js';

// Generated docs must match the code they describe: run `npm run docs` after changing either.
describe('docs in step with the code', () => {
  it('docs/errors.md lists every error code and no other', () => {
    const doc = readFileSync('docs/errors.md', 'utf8');
    expect(doc).toBe(renderErrorsDoc());
    const listed = [...doc.matchAll(/^\| (PD\d{4}) \|/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });

  it('docs/operations.md documents every daemon setting', () => {
    expect(readFileSync('docs/operations.md', 'utf8')).toContain(renderOperationsConfigTable());
  });
});
