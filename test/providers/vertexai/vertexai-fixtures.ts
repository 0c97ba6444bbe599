import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { EmulatedServiceAccount } from '../../emulators/vertexai-emulator.js';

/** A test service account: an RSA key pair made here, never a key file in the repository. */
export interface TestServiceAccount {
  readonly account: EmulatedServiceAccount;
  readonly privateKeyPem: string;
  /** The key JSON as the Cloud console downloads it, its `token_uri` pointed at `tokenUri`. */
  keyJson(tokenUri: string): string;
}

export function testServiceAccount(clientEmail = 'predictd-test@test-project.iam.gserviceaccount.com', keyId = 'a1b2c3d4e5'): TestServiceAccount {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return {
    account: { clientEmail, publicKey: publicKey as KeyObject, keyId },
    privateKeyPem,
    keyJson: (tokenUri) =>
      JSON.stringify({
        type: 'service_account',
        project_id: 'test-project',
        private_key_id: keyId,
        private_key: privateKeyPem,
        client_email: clientEmail,
        client_id: '1234567890',
        auth_uri: 'https://accounts.google.com/o/oauth2/auth',
        token_uri: tokenUri,
      }),
  };
}
