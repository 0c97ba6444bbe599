import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { specToMarkdown } from '../../src/providers/index.js';
import { PROVIDER_ERROR_CODES } from '../../src/errors/provider-error-codes.js';
import { DOC_TABLES } from './print-docs-tables.js';

const doc = readFileSync(new URL('../../docs/providers.md', import.meta.url), 'utf8');

describe('docs/providers.md', () => {
  for (const { title, spec } of DOC_TABLES) {
    it(`documents every option of ${title}, as generated from the spec`, () => {
      for (const opt of spec.options) {
        expect(doc, `option '${opt.key}'`).toContain(`| \`${opt.key}\` |`);
        for (const alias of opt.aliases ?? []) expect(doc, `alias '${alias}' of '${opt.key}'`).toContain(`\`${alias}\``);
      }
      expect(doc, 'tables out of date: npx tsx test/providers/print-docs-tables.ts').toContain(specToMarkdown(spec));
    });
  }

  it('lists every provider error code', () => {
    for (const code of Object.keys(PROVIDER_ERROR_CODES)) expect(doc).toContain(`| ${code} |`);
  });

  it('renders types, defaults, required flags, aliases and secrets', () => {
    const md = specToMarkdown({
      options: [
        { key: 'a', type: { kind: 'int', min: 1, max: 5 }, default: '2', description: 'x | y', aliases: ['A'] },
        { key: 'b', type: { kind: 'enum', values: ['P', 'Q'] }, required: true, secret: true, description: 'z' },
      ],
      passthroughPrefixes: ['p.'],
    });
    expect(md).toContain('| `a` | int 1..5 | `2` | no | x \\| y Also written `A`. |');
    expect(md).toContain('| `b` | `P`, `Q` |  | yes | z Secret: redacted everywhere. |');
    expect(md).toContain('Keys starting with `p.` are passed through unchecked.');
  });
});
