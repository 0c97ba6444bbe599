import type { TableDefinition } from '../../src/spi/connector.js';
import type { DataType, Value } from '../../src/spi/index.js';
import { mulberry32 } from '../../src/util/seeded-random.js';

const FIELD_OPTIONS = new Set(['kind', 'min', 'max', 'start', 'end', 'length', 'null-rate']);

/** Field options are `fields.<column>.<option>`; a typo in either part is an error, not silence. */
export function checkFieldOptions(table: TableDefinition): string[] {
  const problems: string[] = [];
  const names = new Set(table.columns.map((c) => c.name));
  for (const [key, value] of Object.entries(table.options.withPrefix('fields.'))) {
    const dot = key.lastIndexOf('.');
    const field = key.slice(0, dot);
    const opt = key.slice(dot + 1);
    if (!names.has(field)) problems.push(`option 'fields.${key}' names no column of table '${table.name}'`);
    else if (!FIELD_OPTIONS.has(opt)) problems.push(`unknown datagen field option '${opt}' in 'fields.${key}'`);
    else if (opt === 'kind' && value !== 'random' && value !== 'sequence') problems.push(`'fields.${key}' must be 'random' or 'sequence'`);
    else if (opt !== 'kind' && !Number.isFinite(Number(value))) problems.push(`'fields.${key}' expects a number, got '${value}'`);
  }
  return problems;
}

/** One generator per column; a sequence generator returns undefined once it passes its end. */
export function fieldGenerators(table: TableDefinition, seed?: number): Array<(i: number) => Value | undefined> {
  const random = seed === undefined ? Math.random : mulberry32(seed);
  const opts = table.options.withPrefix('fields.');
  return table.columns.map((col) => {
    const o = (name: string) => opts[`${col.name}.${name}`];
    const num = (name: string, dflt: number) => (o(name) === undefined ? dflt : Number(o(name)));
    const nullRate = num('null-rate', 0);
    if (o('kind') === 'sequence') {
      const start = num('start', 0);
      const end = num('end', Number.MAX_SAFE_INTEGER);
      return (i) => (start + i > end ? undefined : convertNumber(start + i, col.type));
    }
    return () => (nullRate > 0 && random() < nullRate ? null : randomValue(col.type, random, num('min', 0), num('max', 1000), num('length', 10)));
  });
}

function convertNumber(n: number, type: DataType): Value {
  return type.kind === 'STRING' || type.kind === 'VARCHAR' || type.kind === 'CHAR' ? String(n) : n;
}

function randomValue(type: DataType, random: () => number, min: number, max: number, length: number): Value {
  switch (type.kind) {
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
      return Math.floor(min + random() * (max - min + 1));
    case 'FLOAT':
    case 'DOUBLE':
    case 'DECIMAL':
      return min + random() * (max - min);
    case 'BOOLEAN':
      return random() < 0.5;
    case 'STRING':
    case 'VARCHAR':
    case 'CHAR': {
      let s = '';
      for (let i = 0; i < length; i++) s += Math.floor(random() * 16).toString(16);
      return s;
    }
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return new Date();
    default:
      return null;
  }
}
