// Last line of defence for anything that reaches a log or a message: tokens and secrets are cut out.
// Azure's own error messages carry no tokens, but a proxy or a misbehaving endpoint might echo a header back.

const PATTERNS: [RegExp, string][] = [
  // Authorization header values, whatever the scheme.
  [/\b(authorization\s*[:=]\s*)("?)[^"\r\n,}]+/gi, '$1$2REDACTED'],
  [/\bBearer\s+[A-Za-z0-9\-._~+/]+=*/g, 'Bearer REDACTED'],
  // JSON Web Tokens (three base64url parts, the first starting with eyJ).
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, 'REDACTED-JWT'],
  // Secrets and tokens in form bodies, query strings or JSON.
  [/\b(client_secret|access_token|refresh_token|id_token|assertion|client_assertion|password|sig)(["']?\s*[:=]\s*["']?)[^"'&\s,}]+/gi, '$1$2REDACTED'],
];

export function redactSecrets(text: string): string {
  return PATTERNS.reduce((result, [pattern, replacement]) => result.replace(pattern, replacement), text);
}
