import { describe, expect, it } from 'vitest';
import { isLoopbackAddress, refusal } from '../../src/daemon/admin-auth.js';
import { resolveAdminToken } from '../../src/daemon/admin-token.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('who may change jobs', () => {
  it('knows loopback addresses from every-interface and outside ones', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1', 'localhost']) expect(isLoopbackAddress(a), a).toBe(true);
    for (const a of ['0.0.0.0', '::', '10.0.0.5', '::ffff:10.0.0.5', '128.0.0.1', 'fe80::1']) expect(isLoopbackAddress(a), a).toBe(false);
  });

  it('needs the token once one is set, else a loopback-only listener', () => {
    expect(refusal({}, { loopbackOnly: true })).toBeUndefined();
    expect(refusal({}, { loopbackOnly: false })).toMatch(/admin\.token is not set/);
    const auth = { token: 's3cret', loopbackOnly: true };
    expect(refusal({}, auth)).toMatch(/needs the admin token/);
    expect(refusal({ authorization: 'Bearer s3cre' }, auth)).toBeDefined();
    expect(refusal({ authorization: 'Bearer s3cret!' }, auth)).toBeDefined();
    expect(refusal({ authorization: 'Basic s3cret' }, auth)).toBeDefined();
    expect(refusal({ authorization: 'Bearer s3cret' }, auth)).toBeUndefined();
    expect(refusal({ authorization: 'bearer   s3cret' }, { ...auth, loopbackOnly: false })).toBeUndefined();
  });

  it('resolves admin.token from itself, ${NAME} or ${file:/path}, and fails the start (PD5002) on a reference it cannot resolve', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'predictd-token-'));
    try {
      await writeFile(join(dir, 'token'), 'from-a-file\n');
      expect(await resolveAdminToken('', {})).toBe('');
      expect(await resolveAdminToken('plain', {})).toBe('plain');
      expect(await resolveAdminToken('${ADMIN_T}', { ADMIN_T: 'from-env' })).toBe('from-env');
      expect(await resolveAdminToken(`\${file:${join(dir, 'token')}}`, {})).toBe('from-a-file');
      await expect(resolveAdminToken('${ADMIN_T}', {})).rejects.toMatchObject({ code: 'PD5002', message: expect.stringMatching(/'admin.token' names the environment variable ADMIN_T, which is not set/) });
      await expect(resolveAdminToken(`\${file:${join(dir, 'missing')}}`, {})).rejects.toMatchObject({ code: 'PD5002' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
