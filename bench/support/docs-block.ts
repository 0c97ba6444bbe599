/**
 * docs/benchmarks.md is prose written by hand around blocks the bench rewrites: each figure's
 * latest result sits between `<!-- bench:ID -->` and `<!-- /bench:ID -->`, so a run updates
 * the numbers and never the explanations.
 */
export function replaceBlock(doc: string, id: string, body: string): string {
  const open = `<!-- bench:${id} -->`;
  const close = `<!-- /bench:${id} -->`;
  const start = doc.indexOf(open);
  const end = doc.indexOf(close);
  if (start < 0 || end < start) throw new Error(`docs/benchmarks.md has no block ${open} ... ${close}`);
  return `${doc.slice(0, start + open.length)}\n${body.trim()}\n${doc.slice(end)}`;
}

/** A GitHub-flavoured markdown table of rows that share their keys. */
export function markdownTable(rows: readonly Readonly<Record<string, string | number>>[]): string {
  if (rows.length === 0) return '';
  const keys = Object.keys(rows[0]!);
  const cell = (v: string | number | undefined) => String(v ?? '').replace(/\|/g, '\\|');
  return [`| ${keys.join(' | ')} |`, `| ${keys.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${keys.map((k) => cell(r[k])).join(' | ')} |`)].join('\n');
}
