// Regenerates the parts of docs/ that are derived from code: the error-code list and the
// daemon configuration table. `npm run docs` writes them; test/docs/docs-in-step.test.ts
// fails when a committed file differs from what this produces.
import { writeFile } from 'node:fs/promises';
import { renderErrorsDoc, renderOperationsConfigTable } from './docs-render.js';
import { readFile } from 'node:fs/promises';

await writeFile('docs/errors.md', renderErrorsDoc());
const ops = await readFile('docs/operations.md', 'utf8');
const begin = '<!-- config-table:begin -->';
const end = '<!-- config-table:end -->';
const [head, rest] = ops.split(begin);
const tail = rest!.split(end)[1]!;
await writeFile('docs/operations.md', `${head}${begin}\n${renderOperationsConfigTable()}${end}${tail}`);
console.log('docs/errors.md and the configuration table of docs/operations.md are up to date');
