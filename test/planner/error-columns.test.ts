import { describe, expect, it } from 'vitest';
import { parseScript } from '../../src/sql/index.js';
import { printStatement } from '../../src/sql/printer/print-statement.js';
import { diagnosticsOf, onlyPipeline } from './plan-helpers.js';

const model = (strategy: string, outputs = "content STRING, `error-string` STRING METADATA, `http-status-code` INT, `http-headers-map` MAP<STRING, ARRAY<STRING>> METADATA") => `
CREATE TABLE src (id BIGINT, body STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '1');
CREATE TABLE dst (id BIGINT, content STRING, err STRING, status INT, headers MAP<STRING, ARRAY<STRING>>) WITH ('connector' = 'print');
CREATE MODEL chat
INPUT (prompt STRING)
OUTPUT (${outputs})
WITH ('provider' = 'openai', 'endpoint' = 'https://api.openai.com/v1/chat/completions', 'api-key' = 'sk-test', 'model' = 'gpt-4o'${strategy});
`;

describe('error metadata columns', () => {
  it('flow through ML_PREDICT into a sink, with or without METADATA', () => {
    const plan = onlyPipeline(
      `${model(", 'error-handling-strategy' = 'IGNORE'")}INSERT INTO dst SELECT id, content, \`error-string\`, \`http-status-code\`, \`http-headers-map\` FROM ML_PREDICT(TABLE src, MODEL chat, DESCRIPTOR(body));`,
    );
    expect(plan.outputColumns.map((c) => c.name)).toEqual(['id', 'content', 'err', 'status', 'headers']);
  });

  it('are allowed under RETRY with retry-fallback-strategy IGNORE', () => {
    expect(diagnosticsOf(`${model(", 'retry-fallback-strategy' = 'IGNORE'")}SELECT * FROM ML_PREDICT(TABLE src, MODEL chat, DESCRIPTOR(body));`)).toEqual([]);
  });

  it('are PD2026 at the column when the strategy never lets a row go', () => {
    const found = diagnosticsOf(`${model('')}SELECT * FROM ML_PREDICT(TABLE src, MODEL chat, DESCRIPTOR(body));`);
    expect(found.map((d) => ({ code: d.code, line: d.line, col: d.col }))).toEqual([
      { code: 'PD2026', line: 6, col: 25 },
      { code: 'PD2026', line: 6, col: 57 },
      { code: 'PD2026', line: 6, col: 81 },
    ]);
    expect(found[0]!.message).toMatch(/needs an error-handling-strategy that lets rows go/);
    expect(diagnosticsOf(`${model(", 'error-handling-strategy' = 'FAILOVER'")}SELECT 1 FROM src;`).map((d) => d.code)).toContain('PD2026');
  });

  it('are PD2026 with a wrong type or an unknown METADATA name', () => {
    const found = diagnosticsOf(`${model(", 'error-handling-strategy' = 'IGNORE'", 'content STRING, `http-status-code` STRING, `retries` INT METADATA')}SELECT 1 FROM src;`);
    expect(found.map((d) => d.code)).toEqual(['PD2026', 'PD2026']);
    expect(found[0]!.message).toMatch(/'http-status-code' must be INT/);
    expect(found[1]!.message).toMatch(/'retries' is not an error metadata column/);
  });

  it('print METADATA back (round trip)', () => {
    const [stmt] = parseScript('CREATE MODEL m INPUT (a STRING) OUTPUT (b STRING, `error-string` STRING METADATA) WITH (\'provider\' = \'local\')', 'm.sql').statements;
    expect(printStatement(stmt!)).toContain('`error-string` STRING METADATA');
  });
});
