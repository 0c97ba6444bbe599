/**
 * Prints the option tables of docs/providers.md from the specs:
 *   npx tsx test/providers/print-docs-tables.ts
 * provider-docs.test.ts fails when the doc and the specs drift apart.
 */
import { SHARED_MODEL_SPEC, localProvider, openAIProvider, specToMarkdown } from '../../src/providers/index.js';

export const DOC_TABLES = [
  { title: 'Options of every model', spec: SHARED_MODEL_SPEC },
  { title: 'openai, openai-compat, bailian, qwen, deepseek', spec: openAIProvider.spec },
  { title: 'local', spec: localProvider.spec },
] as const;

if (process.argv[1]?.endsWith('print-docs-tables.ts')) {
  for (const t of DOC_TABLES) console.log(`<!-- ${t.title} -->\n${specToMarkdown(t.spec)}\n`);
}
