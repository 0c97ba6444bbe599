import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CommandIo } from '../../src/cli/command-io.js';
import { fmtCommand } from '../../src/cli/fmt-command.js';

const dir = mkdtempSync(join(tmpdir(), 'predictd-fmt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const UGLY = "-- keep me\ncreate temporary table t (id bigint) with ('connector'='print');   -- and me\nselect id from t\n";
const PRETTY = "-- keep me\nCREATE TEMPORARY TABLE t (\n  id BIGINT\n) WITH (\n  'connector' = 'print'\n); -- and me\n\nSELECT id\nFROM t;\n";

function io(stdin = ''): CommandIo & { out: string; err: string } {
  const buffers = { out: '', err: '' };
  return Object.assign(buffers, {
    stdout: (t: string) => void (buffers.out += t),
    stderr: (t: string) => void (buffers.err += t),
    stdin: async () => stdin,
  });
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('predictd fmt', () => {
  it('rewrites a file in place, comments kept, and lists it; a second run changes nothing', async () => {
    const path = file('a.sql', UGLY);
    const first = io();
    expect(await fmtCommand([path], first)).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe(PRETTY);
    expect(first.out).toBe(`${path}\n`);
    const mtime = statSync(path).mtimeMs;
    const second = io();
    expect(await fmtCommand([path], second)).toBe(0);
    expect(second.out).toBe('');
    expect(statSync(path).mtimeMs).toBe(mtime);
  });

  it('--check lists a file that would change and exits 1 without writing; 0 once it is formatted', async () => {
    const ugly = file('b.sql', UGLY);
    const pretty = file('c.sql', PRETTY);
    const run = io();
    expect(await fmtCommand(['--check', ugly, pretty], run)).toBe(1);
    expect(run.out).toBe(`${ugly}\n`);
    expect(readFileSync(ugly, 'utf8')).toBe(UGLY);
    expect(await fmtCommand(['--check', pretty], io())).toBe(0);
  });

  it('formats the *.sql files of a folder', async () => {
    const sub = join(dir, 'jobs');
    rmSync(sub, { recursive: true, force: true });
    writeFileSync(join(dir, 'placeholder'), '');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(sub);
    writeFileSync(join(sub, 'x.sql'), UGLY);
    writeFileSync(join(sub, 'notes.txt'), 'not sql');
    expect(await fmtCommand(['--check', sub], io())).toBe(1);
    expect(await fmtCommand([sub], io())).toBe(0);
    expect(readFileSync(join(sub, 'x.sql'), 'utf8')).toBe(PRETTY);
    expect(readFileSync(join(sub, 'notes.txt'), 'utf8')).toBe('not sql');
  });

  it('reads - from standard input and writes the result to standard output', async () => {
    const run = io(UGLY);
    expect(await fmtCommand(['-'], run)).toBe(0);
    expect(run.out).toBe(PRETTY);
    const check = io(UGLY);
    expect(await fmtCommand(['--check', '-'], check)).toBe(1);
    expect(check.out).toBe('<stdin>\n');
  });

  it('leaves a file that does not parse as it is: exit 2 with file:line:col, the other files still formatted', async () => {
    const bad = file('bad.sql', 'select 1;\nselect from where;\n');
    const good = file('good.sql', UGLY);
    const run = io();
    expect(await fmtCommand([bad, good], run)).toBe(2);
    expect(run.err).toContain(`${bad}:2:`);
    expect(readFileSync(bad, 'utf8')).toBe('select 1;\nselect from where;\n');
    expect(readFileSync(good, 'utf8')).toBe(PRETTY);
  });

  it('exits 2 on a usage error and a missing file; --help exits 0', async () => {
    expect(await fmtCommand([], io())).toBe(2);
    expect(await fmtCommand(['--frobnicate', 'x.sql'], io())).toBe(2);
    const missing = io();
    expect(await fmtCommand([join(dir, 'missing.sql')], missing)).toBe(2);
    expect(missing.err).toContain('cannot read');
    const help = io();
    expect(await fmtCommand(['--help'], help)).toBe(0);
    expect(help.out).toContain('--check');
  });
});
