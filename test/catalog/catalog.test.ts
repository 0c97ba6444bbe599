import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/catalog.js';
import type { TableEntry, ViewEntry } from '../../src/catalog/catalog-entries.js';
import { catalogContext, compile, diagnosticsOf } from '../planner/plan-helpers.js';

function view(name: string, temporary: boolean): ViewEntry {
  return { kind: 'view', name, temporary, node: {} as ViewEntry['node'] };
}

describe('Catalog', () => {
  it('a temporary entry shadows the permanent one; dropping it uncovers the permanent one', () => {
    const c = new Catalog();
    const permanent = view('v', false);
    const temporary = view('v', true);
    c.add(permanent);
    c.add(temporary);
    expect(c.relation('v')).toBe(temporary);
    expect(c.exists('relation', 'v', false)).toBe(true);
    expect(c.exists('relation', 'v', true)).toBe(true);
    expect(c.names('relation')).toEqual(['v']);
    expect(c.drop('relation', 'v', true)).toBe(temporary);
    expect(c.relation('v')).toBe(permanent);
    expect(c.drop('relation', 'v', true)).toBeUndefined();
  });

  it('keeps tables/views, models and connections in separate namespaces', () => {
    const c = new Catalog();
    c.add(view('x', false));
    expect(c.model('x')).toBeUndefined();
    expect(c.connection('x')).toBeUndefined();
    expect(c.entries('relation').map((e) => e.name)).toEqual(['x']);
    expect(c.entries('model')).toEqual([]);
  });

  it('remembers names whose CREATE failed until an object of that name is added', () => {
    const c = new Catalog();
    c.markFailed('relation', 'broken');
    expect(c.failed('relation', 'broken')).toBe(true);
    expect(c.failed('model', 'broken')).toBe(false);
    c.add(view('broken', false));
    expect(c.failed('relation', 'broken')).toBe(false);
  });
});

describe('applying DDL', () => {
  it('a table without WITH is the Kafka topic of its name (JSON) when the daemon has a default cluster', () => {
    const { catalog } = compile('CREATE TABLE orders (id BIGINT, item STRING);');
    const t = catalog.relation('orders') as TableEntry;
    expect(t.implicit).toBe(true);
    expect(t.connector.name).toBe('kafka');
    expect(t.definition.options.raw).toMatchObject({ topic: 'orders', format: 'json', 'properties.bootstrap.servers': 'localhost:9092' });
  });

  it('a table without WITH is an error when the daemon has no default Kafka cluster', () => {
    const ctx = catalogContext({ defaultKafkaBootstrap: '' });
    const found = diagnosticsOf('CREATE TABLE orders (id BIGINT);\nSELECT id FROM orders;', ctx);
    expect(found.map((d) => `${d.code} ${d.line}:${d.col}`)).toEqual(['PD2011 1:14']);
    expect(found[0]!.message).toContain('PREDICTD_KAFKA_BOOTSTRAP_SERVERS');
  });

  it('an ALTER MODEL that fails leaves the model as it was', () => {
    const sql = `CREATE MODEL m INPUT (\`input\` STRING) OUTPUT (label STRING) WITH ('provider' = 'local', 'task' = 'sentiment');
ALTER MODEL m SET ('task' = 'nonsense');
ALTER MODEL m SET ('dimension' = '16');`;
    expect(diagnosticsOf(sql).map((d) => d.code)).toEqual(['PD2008']);
    const ok = sql.replace("ALTER MODEL m SET ('task' = 'nonsense');\n", '');
    const model = compile(ok).catalog.model('m')!;
    expect(model.definition.options.get('task')).toBe('sentiment');
    expect(model.definition.options.get('dimension')).toBe(16);
  });

  it('DROP VIEW IF EXISTS of a table is ignored and keeps the table', () => {
    const { catalog } = compile(`CREATE TABLE t (a INT) WITH ('connector' = 'datagen');\nDROP VIEW IF EXISTS t;`);
    expect(catalog.relation('t')?.kind).toBe('table');
  });

  it('DROP TEMPORARY then DROP removes both the temporary and the permanent object', () => {
    const { catalog } = compile(`CREATE TABLE t (a INT) WITH ('connector' = 'datagen');
CREATE TEMPORARY TABLE t (a INT, b INT) WITH ('connector' = 'datagen');
DROP TEMPORARY TABLE t;
DROP TABLE t;`);
    expect(catalog.relation('t')).toBeUndefined();
  });

  it('uses of an object whose CREATE failed report nothing more', () => {
    const sql = `CREATE TABLE src (a STRING) WITH ('connector' = 'nope');
CREATE MODEL m INPUT (x STRING) OUTPUT (y STRING) WITH ('provider' = 'nope');
CREATE TABLE out_t (a STRING, y STRING) WITH ('connector' = 'print');
INSERT INTO out_t SELECT * FROM ML_PREDICT(TABLE src, MODEL m, DESCRIPTOR(a));
DROP TABLE src;
CREATE TABLE g (a STRING) WITH ('connector' = 'datagen');
CREATE VIEW v AS SELECT nope FROM g;
INSERT INTO out_t SELECT a, a FROM v;`;
    expect(diagnosticsOf(sql).map((d) => d.code)).toEqual(['PD2005', 'PD2009', 'PD2201']);
  });

  it('SET and RESET of one key', () => {
    const { catalog } = compile(`SET 'a.b' = '1';\nSET 'c.d' = '2';\nRESET 'a.b';`);
    expect([...catalog.settings]).toEqual([['c.d', '2']]);
  });
});
