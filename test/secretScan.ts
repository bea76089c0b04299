// Issue 13's guarantee: no token, secret or Authorization header appears in any log, message or file. One scan, used
// by the integration tests (logs and messages of the operations) and the e2e harness (every log file a session keeps).
import * as fs from 'node:fs';
import * as path from 'node:path';

/** What gives a token or a credential away, whatever the secret: a JWT, a bearer header, a form's client secret. */
const PATTERNS: [string, RegExp][] = [
  ['a JWT', /eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/],
  ['a bearer token', /Bearer\s+[A-Za-z0-9_-]{8,}/i],
  ['an Authorization header', /\bauthorization"?\s*[:=]\s*"?[A-Za-z]/i],
  ['a client secret in a form', /client_secret=[^&\s*]/i],
];

/** Each thing found in `text`: a pattern's name, or a known secret (named by its first characters only). */
export function secretFindings(text: string, secrets: readonly string[]): string[] {
  const found = PATTERNS.filter(([, pattern]) => pattern.test(text)).map(([name]) => name);
  for (const secret of secrets) {
    if (secret && text.includes(secret)) found.push(`the secret ${secret.slice(0, 3)}…`);
  }
  return found;
}

/** secretFindings over every file under the paths (files or folders), as "<file>: <finding>". */
export function secretFindingsInFiles(paths: readonly string[], secrets: readonly string[]): string[] {
  const files: string[] = [];
  const walk = (entry: string) => {
    if (!fs.existsSync(entry)) return;
    if (fs.statSync(entry).isDirectory()) fs.readdirSync(entry).forEach((child) => walk(path.join(entry, child)));
    else files.push(entry);
  };
  paths.forEach(walk);
  return files.flatMap((file) => secretFindings(fs.readFileSync(file, 'utf8'), secrets).map((finding) => `${file}: ${finding}`));
}
