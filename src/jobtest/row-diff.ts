/** One line of a rows diff: a row both sides have (' '), only the expected side ('-'), only the actual side ('+'). */
export interface DiffLine {
  readonly op: ' ' | '-' | '+';
  readonly row: string;
}

/** True when the diff has a '-' or '+' line. */
export function differs(diff: readonly DiffLine[]): boolean {
  return diff.some((d) => d.op !== ' ');
}

/**
 * Expected against actual rows (canonical texts). Unordered: as multisets, each row matched once;
 * the lines come sorted so that a wrong value shows as a '-' next to its '+'. Ordered: a
 * longest-common-subsequence diff, like `diff` on the two lists.
 */
export function diffRows(expected: readonly string[], actual: readonly string[], ordered: boolean): DiffLine[] {
  return ordered ? sequenceDiff(expected, actual) : multisetDiff(expected, actual);
}

function multisetDiff(expected: readonly string[], actual: readonly string[]): DiffLine[] {
  const left = new Map<string, number>();
  for (const row of actual) left.set(row, (left.get(row) ?? 0) + 1);
  const lines: DiffLine[] = [];
  for (const row of expected) {
    const n = left.get(row) ?? 0;
    if (n > 0) {
      left.set(row, n - 1);
      lines.push({ op: ' ', row });
    } else {
      lines.push({ op: '-', row });
    }
  }
  for (const [row, n] of left) for (let i = 0; i < n; i++) lines.push({ op: '+', row });
  const rank = { '-': 0, '+': 1, ' ': 2 } as const;
  return lines.sort((a, b) => (a.row < b.row ? -1 : a.row > b.row ? 1 : rank[a.op] - rank[b.op]));
}

function sequenceDiff(a: readonly string[], b: readonly string[]): DiffLine[] {
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  const lines: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      lines.push({ op: ' ', row: a[i++]! });
      j++;
    } else if (i < a.length && (j === b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      lines.push({ op: '-', row: a[i++]! });
    } else {
      lines.push({ op: '+', row: b[j++]! });
    }
  }
  return lines;
}
