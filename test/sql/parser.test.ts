import { describe, expect, it } from 'vitest';
import { DiagnosticsError } from '../../src/errors/diagnostic.js';
import {
  type MlPredictNode,
  parseScript,
  parseScriptOrThrow,
  printStatement,
  type Statement,
  stripSpans,
  TABLE_FUNCTIONS,
} from '../../src/sql/index.js';

function parseOne(source: string): Statement {
  const statements = parseScriptOrThrow(source, 'test.sql');
  expect(statements).toHaveLength(1);
  return statements[0];
}

function fromCall(source: string): MlPredictNode {
  const statement = parseOne(source);
  if (statement.kind !== 'QueryStatementNode' || statement.query.kind !== 'SelectNode') throw new Error('not a select');
  const ref = statement.query.from[statement.query.from.length - 1];
  if (ref.kind !== 'TableFunctionRefNode') throw new Error('not a table function');
  return ref.call as MlPredictNode;
}

describe('parseScript', () => {
  it('parses CREATE TABLE with physical, metadata and computed columns, watermark and key', () => {
    const table = parseOne(`CREATE TEMPORARY TABLE IF NOT EXISTS c.d.t (
      id STRING NOT NULL,
      ts TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL,
      doubled AS id || id,
      name VARCHAR COMMENT 'n',
      WATERMARK FOR ts AS ts - INTERVAL '5' SECOND,
      PRIMARY KEY (id) NOT ENFORCED
    ) COMMENT 'tbl' WITH ('connector' = 'kafka')`);
    expect(stripSpans(table)).toMatchObject({
      kind: 'CreateTableNode',
      name: { parts: [{ name: 'c' }, { name: 'd' }, { name: 't' }] },
      temporary: true,
      ifNotExists: true,
      columns: [
        { kind: 'PhysicalColumnNode', name: { name: 'id' }, type: { type: { kind: 'STRING', nullable: false } } },
        { kind: 'MetadataColumnNode', metadataKey: 'timestamp', virtual: true, type: { type: { kind: 'TIMESTAMP_LTZ', precision: 3 } } },
        { kind: 'ComputedColumnNode', expr: { kind: 'BinaryNode', op: '||' } },
        { kind: 'PhysicalColumnNode', comment: 'n', type: { type: { kind: 'VARCHAR', length: 2147483647, nullable: true } } },
      ],
      watermark: { column: { name: 'ts' }, expr: { kind: 'BinaryNode', op: '-' } },
      primaryKey: { constraintName: null, columns: [{ name: 'id' }] },
      comment: 'tbl',
      options: [{ key: { value: 'connector' }, value: { value: 'kafka' } }],
    });
  });

  it('leaves options null for a Confluent table without WITH', () => {
    expect(parseOne('CREATE TABLE `text_input` ( `id` STRING, `input` STRING )')).toMatchObject({ options: null });
  });

  it('maps TIMESTAMP(p) WITH LOCAL TIME ZONE to TIMESTAMP_LTZ', () => {
    const table = parseOne("CREATE TABLE t (a TIMESTAMP(3) WITH LOCAL TIME ZONE) WITH ('connector' = 'x')");
    expect(table).toMatchObject({ columns: [{ type: { type: { kind: 'TIMESTAMP_LTZ', precision: 3 } } }] });
  });

  it('joins touching IDENT-IDENT runs into one name in object-name positions only', () => {
    expect(parseOne("CREATE CONNECTION bedrock-cli-connection WITH ('type' = 'bedrock')")).toMatchObject({
      kind: 'CreateConnectionNode',
      name: { parts: [{ name: 'bedrock-cli-connection' }] },
    });
    expect(parseOne('DROP CONNECTION my-conn-2')).toMatchObject({ name: { parts: [{ name: 'my-conn-2' }] } });
    expect(parseOne('ALTER MODEL a-b RENAME TO c-d')).toMatchObject({ newName: { parts: [{ name: 'c-d' }] } });
    // With spaces it is not one name.
    expect(parseScript("CREATE CONNECTION a - b WITH ('type' = 'x')", 't.sql').diagnostics).toHaveLength(1);
    // In an expression, a-b stays subtraction.
    const select = parseOne('SELECT a-b FROM t');
    expect(select).toMatchObject({ query: { items: [{ expr: { kind: 'BinaryNode', op: '-' } }] } });
  });

  it('parses CREATE MODEL with INPUT, OUTPUT, COMMENT and WITH', () => {
    const model = parseOne(
      "CREATE MODEL m INPUT(text STRING COMMENT 'in') OUTPUT(sentiment STRING) COMMENT 'c' WITH ('provider' = 'openai')",
    );
    expect(stripSpans(model)).toMatchObject({
      kind: 'CreateModelNode',
      input: [{ name: { name: 'text' }, type: { type: { kind: 'STRING' } }, comment: 'in' }],
      output: [{ name: { name: 'sentiment' }, comment: null }],
      comment: 'c',
      options: [{ key: { value: 'provider' }, value: { value: 'openai' } }],
    });
  });

  it('parses views over VALUES and SELECT', () => {
    expect(parseOne("CREATE TEMPORARY VIEW v(a, b) AS VALUES (1, 'x'), (2, 'y')")).toMatchObject({
      kind: 'CreateViewNode',
      columns: [{ name: 'a' }, { name: 'b' }],
      query: { kind: 'ValuesNode', rows: [{ values: [{ value: '1' }, { value: 'x' }] }, { values: [{}, {}] }] },
    });
    expect(parseOne('CREATE VIEW v AS SELECT * FROM t')).toMatchObject({ query: { kind: 'SelectNode' } });
  });

  it('parses the statement kinds of a job file', () => {
    const { statements, diagnostics } = parseScript(
      `SET 'a.b' = 'c'; RESET 'a.b'; SHOW MODELS; SHOW CREATE MODEL m; DESCRIBE MODEL m; DESC t;
       DROP TEMPORARY VIEW IF EXISTS v; ALTER MODEL m SET ('k' = 'v'); ALTER MODEL m RESET ('k');
       INSERT INTO t VALUES (1); SELECT 1; EXPLAIN SELECT 1;
       BEGIN STATEMENT SET; INSERT INTO a SELECT 1; INSERT INTO b SELECT 2; END;
       EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 1; END;`,
      'kinds.sql',
    );
    expect(diagnostics).toEqual([]);
    expect(statements.map((s) => s.kind)).toEqual([
      'SetNode', 'ResetNode', 'ShowNode', 'ShowCreateNode', 'DescribeNode', 'DescribeNode', 'DropNode',
      'AlterModelSetNode', 'AlterModelResetNode', 'InsertNode', 'QueryStatementNode', 'ExplainNode',
      'StatementSetNode', 'StatementSetNode',
    ]);
    expect(statements[12]).toMatchObject({ syntax: 'BEGIN', inserts: [{ table: { parts: [{ name: 'a' }] } }, {}] });
    expect(statements[13]).toMatchObject({ syntax: 'EXECUTE', inserts: [{}] });
  });

  it('reads DESCRIBE MODEL EXTENDED in Flink\'s order and the other two', () => {
    for (const sql of ['DESCRIBE MODEL EXTENDED m', 'DESCRIBE EXTENDED MODEL m', 'DESC MODEL m EXTENDED']) {
      expect(parseOne(sql), sql).toMatchObject({ kind: 'DescribeNode', objectType: 'MODEL', extended: true, name: { parts: [{ name: 'm' }] } });
    }
    expect(parseOne('DESCRIBE MODEL extended')).toMatchObject({ objectType: 'MODEL', extended: false, name: { parts: [{ name: 'extended' }] } });
    expect(printStatement(parseOne('DESC EXTENDED MODEL m'))).toBe('DESCRIBE MODEL EXTENDED m');
  });

  it('reads an unquoted SET key and value', () => {
    expect(parseOne('SET table.exec.async-ml-predict.max-concurrent-operations = 20')).toMatchObject({
      key: 'table.exec.async-ml-predict.max-concurrent-operations',
      value: '20',
    });
    expect(parseOne('set pipeline.name=my-job')).toMatchObject({ key: 'pipeline.name', value: 'my-job' });
  });

  it('parses INSERT with a column list, and without FROM (Confluent)', () => {
    expect(parseOne("INSERT INTO text_stream (id, text) SELECT 1 id, 'abc' text")).toMatchObject({
      kind: 'InsertNode',
      columns: [{ name: 'id' }, { name: 'text' }],
      query: { kind: 'SelectNode', from: [], items: [{ alias: { name: 'id' } }, { alias: { name: 'text' } }] },
    });
  });
});

describe('ML_PREDICT forms', () => {
  it('reads positional and named Flink forms to the same node, apart from `named`', () => {
    const positional = fromCall("SELECT * FROM ML_PREDICT(TABLE t, MODEL m, DESCRIPTOR(a, b), MAP['async', 'true'])");
    const named = fromCall(
      "SELECT * FROM ML_PREDICT(CONFIG => MAP['async', 'true'], ARGS => DESCRIPTOR(a, b), MODEL => MODEL m, INPUT => TABLE t)",
    );
    expect(positional).toMatchObject({ form: 'tvf', named: false, input: { parts: [{ name: 't' }] } });
    expect(named.named).toBe(true);
    expect(stripSpans({ ...named, named: false })).toEqual(stripSpans(positional));
  });

  it('reads the Confluent LATERAL TABLE form with a string model name', () => {
    const call = fromCall("SELECT * FROM t, LATERAL TABLE(ML_PREDICT('cat.m$2', title, body, MAP['debug', TRUE])) AS p");
    expect(stripSpans(call)).toMatchObject({
      form: 'lateral',
      input: null,
      model: { parts: [{ name: 'cat' }, { name: 'm$2' }] },
      args: [{ kind: 'ColumnRefNode' }, { kind: 'ColumnRefNode' }],
      config: { kind: 'MapConstructorNode' },
    });
  });

  it('accepts TABLE(ML_PREDICT(...)) as the plain TVF', () => {
    expect(stripSpans(fromCall('SELECT * FROM TABLE(ML_PREDICT(TABLE t, MODEL m, DESCRIPTOR(a)))'))).toEqual(
      stripSpans(fromCall('SELECT * FROM ML_PREDICT(TABLE t, MODEL m, DESCRIPTOR(a))')),
    );
  });

  it('keeps every dialect form as a TABLE_FUNCTIONS entry', () => {
    const forms = TABLE_FUNCTIONS.filter((e) => e.name === 'ML_PREDICT').map((e) => e.position);
    expect(forms).toEqual(['from', 'from', 'lateral', 'expr']);
  });
});

describe('error recovery', () => {
  it('reports every broken statement and keeps the good ones', () => {
    const { statements, diagnostics } = parseScript(
      "SELECT FROM t;\nCREATE TABLE ok (a INT) WITH ('connector' = 'print');\nSELECT a FROM t JOIN u ON TRUE;\nSELECT 1;",
      'r.sql',
    );
    expect(diagnostics.map((d) => [d.code, d.span.line])).toEqual([
      ['PD1003', 1],
      ['PD1005', 3],
    ]);
    expect(statements.map((s) => s.kind)).toEqual(['CreateTableNode', 'QueryStatementNode']);
  });

  it('skips a broken statement set to its END', () => {
    const { statements, diagnostics } = parseScript(
      'BEGIN STATEMENT SET;\nINSERT INTO a SELECT;\nEND;\nSELECT 1;',
      's.sql',
    );
    expect(diagnostics).toHaveLength(1);
    expect(statements.map((s) => s.kind)).toEqual(['QueryStatementNode']);
  });

  it('parseScriptOrThrow throws one DiagnosticsError listing all errors', () => {
    try {
      parseScriptOrThrow('SELECT FROM t;\nSELECT 1 +;', 'job.sql');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DiagnosticsError);
      const e = error as DiagnosticsError;
      expect(e.code).toBe('PD1003');
      expect(e.diagnostics).toHaveLength(2);
      expect(e.message).toContain('job.sql:1:8: expected an expression');
      expect(e.message).toContain('job.sql:2:11:');
    }
  });
});

describe('AST nodes', () => {
  it('are frozen plain objects with a kind and a span', () => {
    const statement = parseOne('SELECT a FROM t');
    expect(Object.isFrozen(statement)).toBe(true);
    expect(statement.span).toEqual({ start: 0, end: 15, line: 1, col: 1 });
    if (statement.kind !== 'QueryStatementNode' || statement.query.kind !== 'SelectNode') throw new Error('select');
    expect(Object.isFrozen(statement.query.items)).toBe(true);
  });
});
