import { describe, expect, it } from 'vitest';
import { markdownTable, replaceBlock } from '../../bench/support/docs-block.js';

describe('replaceBlock', () => {
  const doc = 'intro\n<!-- bench:P1 -->\nold\n<!-- /bench:P1 -->\nprose\n<!-- bench:P2 -->\n<!-- /bench:P2 -->\n';

  it('replaces only the named block and keeps the prose around it', () => {
    const out = replaceBlock(doc, 'P2', '\nnew table\n');
    expect(out).toBe('intro\n<!-- bench:P1 -->\nold\n<!-- /bench:P1 -->\nprose\n<!-- bench:P2 -->\nnew table\n<!-- /bench:P2 -->\n');
    expect(replaceBlock(out, 'P2', 'newer')).toContain('<!-- bench:P2 -->\nnewer\n<!-- /bench:P2 -->');
  });

  it('fails on a block the document does not have', () => {
    expect(() => replaceBlock(doc, 'P9', 'x')).toThrow(/bench:P9/);
  });
});

describe('markdownTable', () => {
  it('writes a header from the first row and escapes pipes', () => {
    expect(markdownTable([{ a: 1, b: 'x|y' }, { a: 2, b: 'z' }])).toBe('| a | b |\n| --- | --- |\n| 1 | x\\|y |\n| 2 | z |');
  });
});
