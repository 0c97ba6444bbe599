import { createHash, randomUUID } from 'node:crypto';
import { T } from '../types.js';
import { fn, type FunctionDef, strict, typed } from './function-def.js';

const STRICT_NULLS = 'NULL if any argument is NULL';
const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8');

function digest(name: string, algorithm: string): FunctionDef {
  return fn({
    signature: `${name}(s STRING) → STRING`,
    nulls: STRICT_NULLS,
    minArgs: 1,
    returns: typed(['STRING_OR_BYTES'], T.string()),
    build: strict((s: string | Uint8Array) => createHash(algorithm).update(typeof s === 'string' ? utf8.encode(s) : s).digest('hex')),
  });
}

const SHA2_BITS: Readonly<Record<number, string>> = { 224: 'sha224', 256: 'sha256', 384: 'sha384', 512: 'sha512' };

export const MISC_FUNCTIONS: Readonly<Record<string, FunctionDef>> = {
  UUID: fn({
    signature: 'UUID() → STRING',
    nulls: 'never NULL; a new random (version 4) UUID for every row',
    minArgs: 0,
    deterministic: false,
    returns: () => T.string(false),
    build: () => () => randomUUID(),
  }),
  MD5: digest('MD5', 'md5'),
  SHA1: digest('SHA1', 'sha1'),
  SHA256: digest('SHA256', 'sha256'),
  SHA512: digest('SHA512', 'sha512'),
  SHA2: fn({
    signature: 'SHA2(s STRING, bits INT) → STRING',
    nulls: `${STRICT_NULLS}; NULL when bits is not 224, 256, 384 or 512`,
    minArgs: 2,
    returns: typed(['STRING_OR_BYTES', 'INTEGER'], T.string(), { alwaysNullable: true }),
    build: strict((s: string | Uint8Array, bits: number) => {
      const algorithm = SHA2_BITS[bits];
      return algorithm ? createHash(algorithm).update(typeof s === 'string' ? utf8.encode(s) : s).digest('hex') : null;
    }),
  }),
  TO_BASE64: fn({
    signature: 'TO_BASE64(s STRING | BYTES) → STRING',
    nulls: STRICT_NULLS,
    minArgs: 1,
    returns: typed(['STRING_OR_BYTES'], T.string()),
    build: strict((s: string | Uint8Array) => Buffer.from(typeof s === 'string' ? utf8.encode(s) : s).toString('base64')),
  }),
  FROM_BASE64: fn({
    signature: 'FROM_BASE64(s STRING) → STRING',
    nulls: STRICT_NULLS,
    minArgs: 1,
    returns: typed(['STRING'], T.string()),
    build: strict((s: string) => utf8Decoder.decode(Buffer.from(s, 'base64'))),
  }),
};
