/**
 * The names made unique within the list ('x', 'x #2', 'x #3', ...), so that two pipelines of a job
 * with the same name (two INSERTs into one table) get series of their own.
 */
export function uniqueNames(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n === 1 ? name : `${name} #${n}`;
  });
}
