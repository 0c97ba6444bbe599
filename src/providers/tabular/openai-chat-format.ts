import type { Column, Value } from '../../types/data-type.js';
import { chatBodyText, chatResponse, type ChatSettings } from '../openai/chat-body.js';
import { describeColumns, isStringLike } from '../schema-rules.js';
import { textOf } from '../text-of.js';
import { answerJson } from './json-format.js';
import type { TabularAnswer, TabularFormat } from './tabular-format.js';

/**
 * `OPENAI-CHAT` for endpoints that are not the openai provider's (a SageMaker LLM container with
 * the Messages API, say): the openai provider's own chat body and answer reader, so the body is
 * byte for byte what it sends. One STRING in, the first choice's text out, usage reported.
 */
export function openAIChatFormat(settings: ChatSettings): TabularFormat {
  const body = chatBodyText(settings);
  return Object.freeze({
    name: 'OPENAI-CHAT',
    contentType: 'application/json',
    maxRows: 1,
    checkColumns(inputs: readonly Column[], outputs: readonly Column[]) {
      const problems: string[] = [];
      if (inputs.length !== 1 || !isStringLike(inputs[0]!.type)) problems.push(`the OPENAI-CHAT format takes exactly one STRING input column, not ${describeColumns(inputs)}`);
      if (outputs.length !== 1 || !isStringLike(outputs[0]!.type)) problems.push(`the OPENAI-CHAT format produces exactly one STRING output column, not ${describeColumns(outputs)}`);
      return problems;
    },
    encode: (rows: readonly (readonly Value[])[]) => ({ body: body(textOf(rows[0]![0])), contentType: 'application/json' }),
    decode: (answer: TabularAnswer) => [[...chatResponse(answerJson(answer)).rows[0]!]],
    usage: (answer: TabularAnswer) => chatResponse(answerJson(answer)).usage,
  });
}
