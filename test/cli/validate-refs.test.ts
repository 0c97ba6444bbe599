import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'predictd-validate-refs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function validate(args: readonly string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'validate', ...args], { cwd: ROOT, env: { ...process.env, PREDICTD_LOG_LEVEL: 'silent', ...env }, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr }),
    );
  });
}

describe('predictd validate with ${NAME} and ${file:PATH}', () => {
  it('warns about an unreadable file at its value (file:line:col), fails with --strict, and never prints the secret', async () => {
    const job = join(dir, 'job.sql');
    const missing = join(dir, 'no-such-jaas');
    writeFileSync(
      job,
      `CREATE TABLE src (t STRING) WITH ('connector' = 'kafka', 'topic' = 'in', 'format' = 'json',
  'properties.bootstrap.servers' = '\${BOOTSTRAP}', 'properties.security.protocol' = 'SASL_SSL',
  'properties.sasl.jaas.config' = '\${file:${missing}}');
CREATE TABLE dst (t STRING) WITH ('connector' = 'print');
INSERT INTO dst SELECT t FROM src;
`,
    );
    const lenient = await validate([job], { BOOTSTRAP: 'b:9092' });
    expect(lenient.code).toBe(0);
    expect(lenient.stderr).toContain(`${job}:3:35: option 'properties.sasl.jaas.config' names the file ${missing}, which cannot be read (ENOENT) [PD4202]`);
    expect(lenient.stderr).toContain('1 warning');

    const strict = await validate(['--strict', job], { BOOTSTRAP: 'b:9092' });
    expect(strict.code).toBe(1);

    writeFileSync(missing, 'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="pw-never-printed";\n');
    const ok = await validate(['--strict', job], { BOOTSTRAP: 'b:9092' });
    expect(ok.code).toBe(0);
    expect(ok.stdout + ok.stderr).not.toContain('pw-never-printed');
  }, 120_000);
});
