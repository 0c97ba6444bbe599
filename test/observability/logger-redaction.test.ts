import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/create-logger.js';
import { SecretScrubber } from '../../src/observability/secret-scrubber.js';

describe('logs never carry credentials', () => {
  function capture() {
    const lines: string[] = [];
    const scrubber = new SecretScrubber();
    const log = createLogger({ level: 'info', scrubber, write: (l) => lines.push(l) });
    return { lines, scrubber, log };
  }

  it('censors secret-looking keys anywhere in a logged object', () => {
    const { lines, log } = capture();
    log.child({ jobId: 'j1' }).info({ model: { 'api-key': 'sk-abcdef123456', endpoint: 'https://x' }, authorization: 'Bearer t' }, 'bound');
    const line = JSON.parse(lines[0]!) as { jobId: string; model: Record<string, string>; authorization: string };
    expect(line.jobId).toBe('j1');
    expect(line.model['api-key']).toBe('***');
    expect(line.model.endpoint).toBe('https://x');
    expect(line.authorization).toBe('***');
  });

  it('blanks known secret values from messages, errors and stack traces', () => {
    const { lines, scrubber, log } = capture();
    scrubber.add('sk-live-0123456789');
    log.error({ err: new Error('401 for key sk-live-0123456789') }, 'call failed with sk-live-0123456789');
    expect(lines[0]).not.toContain('sk-live-0123456789');
    expect(lines[0]).toContain('***');
    expect(JSON.parse(lines[0]!).msg).toBe('call failed with ***');
  });

  it('leaves short values alone so ordinary words are not blanked', () => {
    const { lines, scrubber, log } = capture();
    scrubber.add('abc');
    log.info('abc def');
    expect(JSON.parse(lines[0]!).msg).toBe('abc def');
  });
});
