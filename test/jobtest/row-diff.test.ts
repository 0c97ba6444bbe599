import { describe, expect, it } from 'vitest';
import { differs, diffRows } from '../../src/jobtest/row-diff.js';

const ops = (lines: ReturnType<typeof diffRows>) => lines.map((l) => `${l.op}${l.row}`);

describe('diffRows', () => {
  it('as multisets: order ignored, each row matched once, a wrong row shown as - next to its +', () => {
    expect(differs(diffRows(['a', 'b', 'b'], ['b', 'a', 'b'], false))).toBe(false);
    expect(ops(diffRows(['a1', 'b1', 'b1'], ['b1', 'a2'], false))).toEqual(['-a1', '+a2', '-b1', ' b1']);
  });

  it('in order: a longest-common-subsequence diff with the matching rows as context', () => {
    expect(ops(diffRows(['a', 'b', 'c'], ['a', 'c', 'b'], true))).toEqual([' a', '-b', ' c', '+b']);
    expect(ops(diffRows(['a', 'b'], ['a', 'x', 'b', 'y'], true))).toEqual([' a', '+x', ' b', '+y']);
    expect(ops(diffRows([], ['x'], true))).toEqual(['+x']);
    expect(differs(diffRows(['a', 'b'], ['a', 'b'], true))).toBe(false);
  });
});
