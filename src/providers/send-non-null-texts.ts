import type { ModelResponse } from '../spi/model-provider.js';
import type { Value } from '../types/data-type.js';
import { textOf } from './text-of.js';

/**
 * A batch call of an embedding client: `send` gets the texts of the non-NULL rows and answers one
 * response per text, in order; NULL rows (`onNull` is called for each) get no rows and no request.
 */
export async function sendNonNullTexts(
  batch: readonly (readonly Value[])[],
  onNull: () => void,
  send: (texts: readonly string[]) => Promise<readonly ModelResponse[]>,
): Promise<ModelResponse[]> {
  const texts: string[] = [];
  const positions: number[] = [];
  batch.forEach((inputs, i) => {
    const v = inputs[0];
    if (v === null || v === undefined) onNull();
    else {
      texts.push(textOf(v));
      positions.push(i);
    }
  });
  const results: ModelResponse[] = batch.map(() => ({ rows: [] }));
  if (texts.length === 0) return results;
  const responses = await send(texts);
  responses.forEach((r, k) => (results[positions[k]!] = r));
  return results;
}
