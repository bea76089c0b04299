// Last line of defence for anything that reaches a log or a message: tokens and secrets are cut out.
// Azure's own error messages carry no tokens, but a proxy or a misbehaving endpoint might echo a header back.

const SECRET_KEYS = String.raw`\w*password|\w*secret|access_token|refresh_token|id_token|assertion|client_assertion|sig`;

const PATTERNS: [RegExp, string][] = [
  // Authorization header values, whatever the scheme.
  [/\b(authorization\s*[:=]\s*)("?)[^"\r\n,}]+/gi, '$1$2REDACTED'],
  [/\bBearer\s+[A-Za-z0-9\-._~+/]+=*/g, 'Bearer REDACTED'],
  // JSON Web Tokens (three base64url parts, the first starting with eyJ).
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, 'REDACTED-JWT'],
  // A quoted JSON value is cut whole, to its closing quote: a password may hold spaces, commas or braces.
  // Keys match by suffix too (adminPassword, clientSecret): the VM body's osProfile carries adminPassword.
  [new RegExp(`("(?:${SECRET_KEYS})"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi'), '$1"REDACTED"'],
  // Unquoted values in form bodies and query strings.
  [new RegExp(`\\b(${SECRET_KEYS})(["']?\\s*[:=]\\s*["']?)[^"'&\\s,}]+`, 'gi'), '$1$2REDACTED'],
];

export function redactSecrets(text: string): string {
  return PATTERNS.reduce((result, [pattern, replacement]) => result.replace(pattern, replacement), text);
}
