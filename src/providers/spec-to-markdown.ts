import type { ConfigSpec, OptionSpec, OptionType } from '../spi/config-spec.js';
import { assertNever } from '../types/data-type.js';

/** A Markdown table of a spec's options, one row per key, aliases listed with it. */
export function specToMarkdown(spec: ConfigSpec): string {
  const lines = ['| Option | Type | Default | Required | Description |', '|---|---|---|---|---|'];
  for (const opt of spec.options) lines.push(row(opt));
  if (spec.passthroughPrefixes?.length) {
    lines.push('', `Keys starting with ${spec.passthroughPrefixes.map((p) => `\`${p}\``).join(', ')} are passed through unchecked.`);
  }
  return lines.join('\n');
}

function row(opt: OptionSpec): string {
  const aliases = opt.aliases?.length ? ` Also written ${opt.aliases.map((a) => `\`${a}\``).join(', ')}.` : '';
  const secret = opt.secret ? ' Secret: redacted everywhere.' : '';
  const def = opt.default === undefined ? '' : `\`${opt.default}\``;
  const cells = [`\`${opt.key}\``, typeText(opt.type), def, opt.required ? 'yes' : 'no', `${opt.description}${aliases}${secret}`];
  return `| ${cells.map(escapeCell).join(' | ')} |`;
}

function typeText(t: OptionType): string {
  switch (t.kind) {
    case 'string':
    case 'boolean':
    case 'list':
      return t.kind;
    case 'duration':
      return t.bareNumber === 'seconds' ? 'duration (bare number: seconds)' : t.kind;
    case 'int':
    case 'double':
      return `${t.kind}${range(t.min, t.max)}`;
    case 'enum':
      return t.values.map((v) => `\`${v}\``).join(', ');
    default:
      return assertNever(t, 'option type');
  }
}

function range(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return ` ${min}..${max}`;
  if (min !== undefined) return ` >= ${min}`;
  if (max !== undefined) return ` <= ${max}`;
  return '';
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
