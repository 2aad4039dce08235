// Reads a credential as n8n stored it in PostgreSQL, decrypted with the instance's encryption key by
// n8n's own cipher classes (from the installed n8n line), without starting an n8n CLI process
// (`n8n export:credentials` costs a whole n8n boot). 2.41 encrypts credential data with a data
// encryption key (table deployment_key, wrapped with AES-256-GCM under sha256(hex) of the instance
// key) and prefixes the ciphertext with that key's id; older data has no prefix (instance key, CBC).
import { createHash } from 'crypto';
import * as path from 'path';
import { N8nLine } from './lines';
import { TEST_ENCRYPTION_KEY } from './n8nInstance';
import { psql, RunningPostgres } from './queueServices';

interface Cipher {
  decrypt(data: string, key: string): string;
}

function cipherOf(line: N8nLine, file: string, className: string): Cipher {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(path.join(line.dir, 'node_modules', 'n8n-core', 'dist', 'encryption', file)) as Record<string, new () => Cipher>;
  return new mod[className]();
}

export async function readStoredCredential(line: N8nLine, pg: RunningPostgres, id: string): Promise<Record<string, unknown> | undefined> {
  const cbc = cipherOf(line, 'aes-256-cbc.js', 'CipherAes256CBC');
  const gcm = cipherOf(line, 'aes-256-gcm.js', 'CipherAes256GCM');
  const algorithms: Record<string, Cipher> = { 'aes-256-cbc': cbc, 'aes-256-gcm': gcm };
  const quoted = `'${id.replace(/'/g, "''")}'`;
  const data = (await psql(pg, `select data from credentials_entity where id = ${quoted}`)).trim();
  if (!data) return undefined;
  const wrapping = createHash('sha256').update(TEST_ENCRYPTION_KEY).digest('hex');
  const colon = data.indexOf(':');
  let plain: string;
  if (colon > 0 && /^[A-Za-z0-9_-]{1,36}$/.test(data.slice(0, colon))) {
    const row = (await psql(pg, `select value || '|' || algorithm from deployment_key where id = '${data.slice(0, colon)}'`)).trim();
    const [wrapped, algorithm] = row.split('|');
    const dek = gcm.decrypt(wrapped, wrapping);
    plain = algorithms[algorithm].decrypt(data.slice(colon + 1), dek);
  } else {
    plain = cbc.decrypt(data, TEST_ENCRYPTION_KEY);
  }
  return JSON.parse(plain) as Record<string, unknown>;
}
