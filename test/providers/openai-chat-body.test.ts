import { describe, expect, it } from 'vitest';
import { chatBody, chatBodyText, type ChatSettings } from '../../src/providers/openai/chat-body.js';

const SETTINGS: readonly ChatSettings[] = [
  { systemPrompt: '' },
  { model: 'gpt-4o-mini', systemPrompt: 'Classify: "positive" or "negative".', temperature: 0, stop: ['\n'], seed: 7, responseFormat: 'json_object' },
  { model: 'm', systemPrompt: 'x', extraBody: { user: 'u', metadata: { a: [1, 2] }, temperature: 2 }, temperature: 0.5, maxTokens: 10 },
  // The serializer's own marker inside the settings: it must still produce the right body.
  { systemPrompt: '\u0000predictd-input\u0000' },
];
const INPUTS = ['', 'plain', 'quotes " and \\ and \n newlines', 'unicode é 漢字 😀 \u2028', '\u0000predictd-input\u0000'];

describe('chatBodyText', () => {
  it('writes the same bytes as JSON.stringify(chatBody(...)) for every setting and input', () => {
    for (const settings of SETTINGS) {
      const write = chatBodyText(settings);
      for (const input of INPUTS) expect(write(input)).toBe(JSON.stringify(chatBody(settings, input)));
    }
  });
});
