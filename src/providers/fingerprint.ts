import { createHash } from 'node:crypto';

/** `sha256(secret)` prefix for quota keys and logs: identifies a credential without revealing it. */
export function fingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 12);
}
