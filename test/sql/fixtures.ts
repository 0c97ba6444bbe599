import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const FIXTURES = fileURLToPath(new URL('../fixtures/sql/', import.meta.url));

export interface SqlFixture {
  readonly name: string;
  readonly source: string;
}

/** Every `.sql` file of test/fixtures/sql/<dir>, sorted by name. */
export function loadSqlFixtures(dir: 'valid' | 'invalid'): SqlFixture[] {
  const path = `${FIXTURES}${dir}/`;
  return readdirSync(path)
    .filter((name) => name.endsWith('.sql'))
    .sort()
    .map((name) => ({ name, source: readFileSync(path + name, 'utf8') }));
}

export interface ExpectedError {
  readonly code: string;
  readonly line: number;
  readonly col: number;
}

/** The `-- expect: PD1003 3:15` header lines of an error fixture. */
export function expectedErrors(source: string): ExpectedError[] {
  return [...source.matchAll(/^-- expect: (PD\d{4}) (\d+):(\d+)\s*$/gm)].map((m) => ({
    code: m[1],
    line: Number(m[2]),
    col: Number(m[3]),
  }));
}
