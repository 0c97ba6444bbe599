import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseScript, stripSpans, tokenize } from '../../src/sql/index.js';
import { formatScript } from '../../src/sql/printer/format-script.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Every .sql under config/, the SQL fixtures (the seeds' SQL is copied there as seed-*.sql) and
 * the catalog fixtures (valid SQL, with `-- expect:` header comments).
 */
function sqlFiles(): Array<{ name: string; source: string }> {
  const dirs = ['config/jobs', 'config/rag', 'test/fixtures/sql/valid', 'test/fixtures/catalog/valid', 'test/fixtures/catalog/invalid'];
  return dirs.flatMap((dir) =>
    readdirSync(ROOT + dir)
      .filter((n) => n.endsWith('.sql'))
      .sort()
      .map((n) => ({ name: `${dir}/${n}`, source: readFileSync(`${ROOT}${dir}/${n}`, 'utf8') })),
  );
}

function fmt(source: string): string {
  const result = formatScript(source, 'test.sql');
  if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('; '));
  return result.text;
}

const commentTexts = (source: string) => tokenize(source).comments.map((c) => c.text);

describe('formatScript over every job file and seed', () => {
  const files = sqlFiles();

  it('covers the example jobs and the five seeds', () => {
    const names = files.map((f) => f.name);
    expect(names).toContain('config/jobs/movie-sentiment.sql');
    for (const seed of ['seed-000-', 'seed-001-', 'seed-002-', 'seed-003-', 'seed-004-']) expect(names.some((n) => n.includes(seed)), seed).toBe(true);
  });

  it('reports the SQL error fixtures instead of formatting them, and never throws', () => {
    const dir = `${ROOT}test/fixtures/sql/invalid/`;
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.sql'))) {
      const result = formatScript(readFileSync(dir + name, 'utf8'), name);
      expect(result.ok, name).toBe(false);
    }
  });

  describe.each(files)('$name', ({ source }) => {
    const once = fmt(source);

    it('is idempotent: fmt(fmt(x)) == fmt(x)', () => {
      expect(fmt(once)).toBe(once);
    });

    it('parses to the same AST as the input', () => {
      expect(stripSpans(parseScript(once, 'formatted.sql').statements)).toEqual(stripSpans(parseScript(source, 'input.sql').statements));
    });

    it('keeps every comment, in order', () => {
      expect(commentTexts(once)).toEqual(commentTexts(source));
    });
  });

  it('formats the statements of the seeds that have comments only between statements', () => {
    const seed = files.find((f) => f.name.includes('seed-003-'))!;
    expect(fmt(seed.source)).toContain("CREATE CONNECTION bedrock-cli-connection\nWITH (\n  'type' = 'bedrock',");
  });
});

describe('formatScript comments', () => {
  it('keeps a header comment, the blank line after it, and a comment at the end of a statement line', () => {
    const source = '-- header\n-- two\n\nset   \'a\'=\'b\';   -- why\nselect 1;\n';
    expect(fmt(source)).toBe("-- header\n-- two\n\nSET 'a' = 'b'; -- why\n\nSELECT 1;\n");
  });

  it('puts a comment between statements on its own line before the next one, keeping one blank line at most', () => {
    const source = "SELECT 1;\n-- about two\n\n\n\n/* block\n   comment */ SELECT 2;";
    expect(fmt(source)).toBe('SELECT 1;\n\n-- about two\n\n/* block\n   comment */\nSELECT 2;\n');
  });

  it('keeps comments after the last statement and files with comments only', () => {
    expect(fmt('SELECT 1;\n\n-- the end\n')).toBe('SELECT 1;\n\n-- the end\n');
    expect(fmt('-- nothing yet\n\n/* later */\n')).toBe('-- nothing yet\n\n/* later */\n');
    expect(fmt('')).toBe('');
  });

  it('keeps a comment next to the WITH option or column it follows on its line, or stands above', () => {
    const source = [
      'create table t (',
      '  -- the key',
      '  id bigint, -- never null',
      '  body string /* raw */',
      ") with ('connector'='print', -- for now",
      "  /* debugging */ 'print-identifier'='t' -- shown",
      ');',
    ].join('\n');
    const expected = [
      'CREATE TABLE t (',
      '  -- the key',
      '  id BIGINT, -- never null',
      '  body STRING /* raw */',
      ') WITH (',
      "  'connector' = 'print', -- for now",
      '  /* debugging */',
      "  'print-identifier' = 't' -- shown",
      ');',
      '',
    ].join('\n');
    expect(fmt(source)).toBe(expected);
    expect(fmt(expected)).toBe(expected);
  });

  it('attaches comments to the options of CREATE MODEL, CREATE CONNECTION and ALTER MODEL SET', () => {
    const source = "create model m input (s string) output (t string) with ('provider'='local', -- offline\n'task'='classification');\n" + "alter model m set ('task'='embedding' -- vectors\n);";
    expect(fmt(source)).toBe(
      "CREATE MODEL m\nINPUT (s STRING)\nOUTPUT (t STRING)\nWITH (\n  'provider' = 'local', -- offline\n  'task' = 'classification'\n);\n\n" +
        "ALTER MODEL m SET (\n  'task' = 'embedding' -- vectors\n);\n",
    );
  });

  it('leaves a statement exactly as written when a comment inside it belongs to no column or option, and formats the others', () => {
    const inner = 'INSERT INTO t\nSELECT id,\n  body -- the text\nFROM s';
    const source = `select   1 ;\n${inner};\nselect 2`;
    expect(fmt(source)).toBe(`SELECT 1;\n\n${inner};\n\nSELECT 2;\n`);
    const inOption = "CREATE TABLE t (id BIGINT) WITH ('connector' /* which */ = 'print');";
    expect(fmt(inOption)).toBe(`${inOption}\n`);
    const afterLast = "CREATE TABLE t (id BIGINT) WITH ('connector' = 'print'\n-- end\n);";
    expect(fmt(afterLast)).toBe(`${afterLast}\n`);
  });

  it('counts a comment between the last token and the ; as inside the statement', () => {
    expect(fmt('select 1 /* one */ ;')).toBe('select 1 /* one */ ;\n');
    expect(fmt('select 1 -- one\n;')).toBe('select 1 -- one\n;\n');
  });

  it('adds the missing ; of the last statement and keeps a comment after it', () => {
    expect(fmt('select 1 -- done')).toBe('SELECT 1; -- done\n');
  });

  it('keeps comment-like text inside strings as string text', () => {
    expect(fmt("select '-- not a comment', '/* nor this */'")).toBe("SELECT '-- not a comment', '/* nor this */';\n");
  });

  it('leaves the line break of a CRLF file out of a line comment', () => {
    expect(fmt('-- one\r\nselect 1;\r\n')).toBe('-- one\nSELECT 1;\n');
  });

  it('formats a statement set and keeps its comments', () => {
    const source = 'BEGIN STATEMENT SET;\n-- first\nINSERT INTO a SELECT * FROM b;\nEND;\n-- after\n';
    const once = fmt(source);
    expect(once).toBe(source.replace('END;\n', 'END;\n\n'));
    expect(commentTexts(once)).toEqual(['-- first', '-- after']);
  });

  it('reports a file that does not parse instead of formatting it', () => {
    const result = formatScript('SELECT 1;\nCREATE TABLE (;\n', 'bad.sql');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.diagnostics[0]!.span.line).toBe(2);
  });
});
