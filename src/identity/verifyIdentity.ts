// "Verify Identity from Inside the VM" (issue 11), the pure part: the script Run Command runs on the VM, reading what
// it printed, comparing the token's claims with the identity Azure says the VM has, and the words for each failure.
// The script asks the instance metadata service (IMDS) for a token and prints only the HTTP status and the token's
// decoded payload: the token itself (and its signature) never leaves the VM. Wire facts §11; the fake's contract in
// test/fake-azure/README.md "The verify script contract".
import { IdentityError } from './identityError';
import { defaultLocalize, type Localize } from './localize';
import type { RunCommandInput, RunCommandStatus } from './ports';
import { redactSecrets } from './redact';
import { resourceKey, resourceNameFromId, trimTrailingSlashes } from './resourceIds';

export type VerifyOsType = 'Linux' | 'Windows';

/** The audiences offered, Azure Resource Manager first (the default). */
export type VerifyAudienceKind = 'resourceManager' | 'storage' | 'keyVault' | 'graph';

export interface VerifyAudience {
  kind: VerifyAudienceKind;
  /** The App ID URI IMDS is asked for (`resource=`); it comes back as the token's `aud`. */
  resource: string;
}

/** Azure's public-cloud App ID URIs; a sovereign cloud passes its own Resource Manager audience. */
export const VERIFY_AUDIENCES: readonly VerifyAudience[] = [
  { kind: 'resourceManager', resource: 'https://management.azure.com/' },
  { kind: 'storage', resource: 'https://storage.azure.com/' },
  { kind: 'keyVault', resource: 'https://vault.azure.net' },
  { kind: 'graph', resource: 'https://graph.microsoft.com' },
];

/** Which identity of the VM to ask IMDS for. */
export type VerifyTarget =
  | { kind: 'systemAssigned' }
  /** A user-assigned identity, picked in IMDS by its client id. */
  | { kind: 'userAssigned'; identityId: string; clientId: string };

const IMDS_TOKEN_URL = 'http://169.254.169.254/metadata/identity/oauth2/token';
const IMDS_API_VERSION = '2018-02-01';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STATUS_PREFIX = 'HTTP_STATUS=';

/** The IMDS token URL for the audience and identity. Every value is percent-encoded (a quote too, which
 *  encodeURIComponent leaves alone), so the URL is safe inside the scripts' single quotes. */
export function imdsTokenUrl(resource: string, clientId?: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/['!()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  if (clientId !== undefined && !GUID.test(clientId)) {
    throw new IdentityError(`Not a client id: '${clientId}'.`, { kind: 'invalid', code: 'InvalidClientId' });
  }
  return `${IMDS_TOKEN_URL}?api-version=${IMDS_API_VERSION}&resource=${encode(resource)}${clientId ? `&client_id=${encode(clientId)}` : ''}`;
}

/**
 * The Run Command input that asks IMDS for a token and prints `HTTP_STATUS=<status>`, then on 200 the token's
 * payload decoded (header and signature dropped), otherwise IMDS's error body. Linux: RunShellScript with curl, which
 * stops (set -e) with bash's "curl: command not found" when there is none. Windows: RunPowerShellScript with
 * Invoke-WebRequest (Windows PowerShell 5.1's WebException carries the error answer).
 */
export function verifyScript(osType: VerifyOsType, resource: string, target: VerifyTarget): RunCommandInput {
  const url = imdsTokenUrl(resource, target.kind === 'userAssigned' ? target.clientId : undefined);
  if (osType === 'Windows') {
    return {
      commandId: 'RunPowerShellScript',
      script: [
        "$ErrorActionPreference = 'Stop'",
        `$uri = '${url}'`,
        'try {',
        "  $response = Invoke-WebRequest -UseBasicParsing -Uri $uri -Headers @{ Metadata = 'true' }",
        '  $status = [int]$response.StatusCode; $content = $response.Content',
        '} catch [System.Net.WebException] {',
        '  $status = [int]$_.Exception.Response.StatusCode',
        '  $content = (New-Object System.IO.StreamReader($_.Exception.Response.GetResponseStream())).ReadToEnd()',
        '}',
        `"${STATUS_PREFIX}$status"`,
        'if ($status -eq 200) {',
        "  $payload = (($content | ConvertFrom-Json).access_token -split '\\.')[1].Replace('-', '+').Replace('_', '/')",
        "  switch ($payload.Length % 4) { 2 { $payload += '==' } 3 { $payload += '=' } }",
        '  [System.Text.Encoding]::UTF8.GetString([System.Convert]::FromBase64String($payload))',
        '} else { $content }',
      ],
    };
  }
  return {
    commandId: 'RunShellScript',
    script: [
      'set -e',
      `response=$(curl -s -S -w '\\n${STATUS_PREFIX}%{http_code}' -H 'Metadata: true' '${url}')`,
      `status="\${response##*${STATUS_PREFIX}}"`,
      `body="\${response%$'\\n'${STATUS_PREFIX}*}"`,
      `echo "${STATUS_PREFIX}$status"`,
      'if [ "$status" = "200" ]; then',
      `  payload=$(printf '%s' "$body" | sed -E 's/.*"access_token":"[^.]*\\.([^.]*)\\..*/\\1/' | tr '_-' '/+')`,
      '  while [ $(( ${#payload} % 4 )) -ne 0 ]; do payload="$payload="; done',
      "  printf '%s' \"$payload\" | base64 -d; echo",
      'else',
      "  printf '%s\\n' \"$body\"",
      'fi',
    ],
  };
}

/** What the script left on the VM's stdout and stderr, from Run Command's result in either OS's shape. */
export function runCommandStreams(statuses: readonly RunCommandStatus[]): { stdout: string; stderr: string } {
  const byCode = (stream: 'StdOut' | 'StdErr') => statuses.find((status) => new RegExp(`^ComponentStatus/${stream}/`, 'i').test(status.code ?? ''));
  const windowsOut = byCode('StdOut');
  const windowsErr = byCode('StdErr');
  if (windowsOut || windowsErr) {
    return { stdout: windowsOut?.message ?? '', stderr: windowsErr?.message ?? '' };
  }
  // Linux: "Enable succeeded: \n[stdout]\n<stdout>\n[stderr]\n<stderr>".
  const message = statuses.map((status) => status.message ?? '').join('\n');
  const out = /\[stdout\]\n([\s\S]*?)\n?\[stderr\]\n?([\s\S]*)$/.exec(message);
  return out ? { stdout: out[1], stderr: out[2] } : { stdout: '', stderr: message };
}

/** The claims the extension shows; all optional, as the payload is whatever IMDS issued. */
export interface TokenClaims {
  aud?: string;
  oid?: string;
  appid?: string;
  tid?: string;
  xms_mirid?: string;
  /** Expiry, epoch seconds. */
  exp?: number;
  iss?: string;
  ver?: string;
}

export type VerifyOutput =
  | { kind: 'token'; status: 200; claims: TokenClaims }
  | { kind: 'imdsError'; status: number; error?: string; description?: string }
  /** The script could not run its fetcher (no curl, no Invoke-WebRequest). */
  | { kind: 'noFetcher'; tool: 'curl' | 'PowerShell'; detail: string }
  /** Anything else: the script printed nothing readable. */
  | { kind: 'unreadable'; detail: string };

/** Reads what the verify script printed. Never returns a token: a printed JWT is cut out of any detail kept. */
export function parseVerifyOutput(stdout: string, stderr: string): VerifyOutput {
  const lines = stdout.split(/\r?\n/);
  const statusIndex = lines.findIndex((line) => line.trim().startsWith(STATUS_PREFIX));
  if (statusIndex < 0) {
    if (/curl: (command )?not found/i.test(stderr)) {
      return { kind: 'noFetcher', tool: 'curl', detail: redactSecrets(stderr.trim()) };
    }
    if (/Invoke-WebRequest|is not recognized as the name of a cmdlet|powershell(\.exe)?: (command )?not found/i.test(stderr)) {
      return { kind: 'noFetcher', tool: 'PowerShell', detail: redactSecrets(stderr.trim()) };
    }
    return { kind: 'unreadable', detail: redactSecrets([stdout.trim(), stderr.trim()].filter(Boolean).join('\n')) };
  }
  const status = Number(lines[statusIndex].trim().slice(STATUS_PREFIX.length));
  const rest = lines.slice(statusIndex + 1).join('\n').trim();
  const parsed = parseJsonObject(rest);
  if (status === 200) {
    if (!parsed) {
      return { kind: 'unreadable', detail: redactSecrets(rest) };
    }
    return { kind: 'token', status: 200, claims: pickClaims(parsed) };
  }
  if (!Number.isFinite(status) || status === 0) {
    // curl prints 000 when IMDS did not answer at all (no route to 169.254.169.254).
    return { kind: 'unreadable', detail: redactSecrets([rest, stderr.trim()].filter(Boolean).join('\n')) };
  }
  return {
    kind: 'imdsError',
    status,
    error: typeof parsed?.error === 'string' ? parsed.error : undefined,
    description: typeof parsed?.error_description === 'string' ? redactSecrets(parsed.error_description) : undefined,
  };
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function pickClaims(payload: Record<string, unknown>): TokenClaims {
  const text = (key: string) => (typeof payload[key] === 'string' ? (payload[key] as string) : undefined);
  const exp = typeof payload.exp === 'number' ? payload.exp : Number(text('exp'));
  const claims: TokenClaims = {
    aud: text('aud'),
    oid: text('oid'),
    appid: text('appid') ?? text('azp'),
    tid: text('tid'),
    xms_mirid: text('xms_mirid'),
    exp: Number.isFinite(exp) ? exp : undefined,
    iss: text('iss'),
    ver: text('ver'),
  };
  return Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined)) as TokenClaims;
}

/** What Azure says the identity is, to compare the token with. */
export interface ExpectedIdentity {
  /** The identity's service principal (object) id: the token's `oid`. */
  principalId?: string;
  /** A user-assigned identity's client id: the token's `appid`. */
  clientId?: string;
  /** The VM's id (system-assigned) or the user-assigned identity's id: the token's `xms_mirid`. */
  resourceId: string;
  tenantId?: string;
  /** The audience asked for: the token's `aud`. */
  resource: string;
}

export interface ClaimCheck {
  claim: 'oid' | 'appid' | 'xms_mirid' | 'aud' | 'tid' | 'exp';
  ok: boolean;
  /** e.g. "oid matches the identity's principal id". */
  text: string;
}

/** Each claim compared with what Azure says the identity is; claims with nothing to compare are left out. */
export function checkClaims(claims: TokenClaims, expected: ExpectedIdentity, nowSeconds: number, t: Localize = defaultLocalize): ClaimCheck[] {
  const checks: ClaimCheck[] = [];
  const same = (a: string | undefined, b: string | undefined) => a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
  if (expected.principalId) {
    checks.push(
      same(claims.oid, expected.principalId)
        ? { claim: 'oid', ok: true, text: t("oid matches the identity's principal id") }
        : { claim: 'oid', ok: false, text: t("oid {0} is not the identity's principal id {1}", claims.oid ?? '-', expected.principalId) },
    );
  }
  if (expected.clientId) {
    checks.push(
      same(claims.appid, expected.clientId)
        ? { claim: 'appid', ok: true, text: t("appid matches the identity's client id") }
        : { claim: 'appid', ok: false, text: t("appid {0} is not the identity's client id {1}", claims.appid ?? '-', expected.clientId) },
    );
  }
  if (claims.xms_mirid !== undefined) {
    checks.push(
      resourceKey(claims.xms_mirid) === resourceKey(expected.resourceId)
        ? { claim: 'xms_mirid', ok: true, text: t("xms_mirid names '{0}'", resourceNameFromId(expected.resourceId)) }
        : { claim: 'xms_mirid', ok: false, text: t('xms_mirid names {0}, not {1}', claims.xms_mirid, expected.resourceId) },
    );
  }
  checks.push(
    claims.aud !== undefined && sameAudience(claims.aud, expected.resource)
      ? { claim: 'aud', ok: true, text: t('aud is the audience asked for') }
      : { claim: 'aud', ok: false, text: t('aud {0} is not the audience asked for ({1})', claims.aud ?? '-', expected.resource) },
  );
  if (expected.tenantId) {
    checks.push(
      same(claims.tid, expected.tenantId)
        ? { claim: 'tid', ok: true, text: t("tid is the identity's tenant") }
        : { claim: 'tid', ok: false, text: t("tid {0} is not the identity's tenant {1}", claims.tid ?? '-', expected.tenantId) },
    );
  }
  if (claims.exp !== undefined) {
    checks.push(
      claims.exp > nowSeconds
        ? { claim: 'exp', ok: true, text: t('the token is valid until {0}', expiryText(claims.exp)) }
        : { claim: 'exp', ok: false, text: t('the token expired at {0}', expiryText(claims.exp)) },
    );
  }
  return checks;
}

function sameAudience(a: string, b: string): boolean {
  return trimTrailingSlashes(a).toLowerCase() === trimTrailingSlashes(b).toLowerCase();
}

/** Expiry as an ISO date-time in UTC (what the claims table shows). */
export function expiryText(exp: number): string {
  return new Date(exp * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Who is being checked, for messages: "the system-assigned identity" / "the user-assigned identity 'id-x'". */
export function describeVerifyTarget(target: VerifyTarget, t: Localize = defaultLocalize): string {
  return target.kind === 'systemAssigned' ? t('the system-assigned identity') : t("the user-assigned identity '{0}'", resourceNameFromId(target.identityId));
}

/** The failure when the script ran but no token came back, in words (issue 11's table). */
export function verifyOutputError(output: Exclude<VerifyOutput, { kind: 'token' }>, vmName: string, target: VerifyTarget, t: Localize = defaultLocalize): IdentityError {
  const who = describeVerifyTarget(target, t);
  switch (output.kind) {
    case 'imdsError':
      if (output.status === 400 && /identity not found/i.test(output.description ?? '')) {
        return new IdentityError(
          t("IMDS on '{0}' does not know {1}: it is not assigned to the VM, or the assignment is still propagating. Try again in a minute.", vmName, who),
          { kind: 'notFound', code: 'IdentityNotFound', statusCode: 400, serviceMessage: output.description },
        );
      }
      if (output.status === 400 && /multiple user assigned identities/i.test(output.description ?? '')) {
        return new IdentityError(t("'{0}' has several user-assigned identities and no system-assigned one: choose which identity to verify.", vmName), {
          kind: 'invalid',
          code: 'MultipleUserAssignedIdentities',
          statusCode: 400,
          serviceMessage: output.description,
        });
      }
      return new IdentityError(
        t("IMDS on '{0}' refused a token for {1}: HTTP {2} {3}", vmName, who, output.status, [output.error, output.description].filter(Boolean).join(': ') || t('(no details)')),
        { kind: output.status === 404 || output.status === 410 || output.status === 429 || output.status >= 500 ? 'throttled' : 'invalid', code: output.error, statusCode: output.status, serviceMessage: output.description },
      );
    case 'noFetcher':
      return new IdentityError(
        output.tool === 'curl'
          ? t("'{0}' has no curl, which the check uses to ask IMDS for a token. Install curl on the VM, then verify again.", vmName)
          : t("'{0}' could not run PowerShell's Invoke-WebRequest, which the check uses to ask IMDS for a token.", vmName),
        { kind: 'invalid', code: 'NoFetcher', serviceMessage: output.detail },
      );
    case 'unreadable':
      return new IdentityError(
        output.detail
          ? t("The check on '{0}' did not print IMDS's answer. The VM said: {1}", vmName, output.detail)
          : t("The check on '{0}' printed nothing: the VM agent may not have run it. Try again, or check the VM agent.", vmName),
        { kind: 'unknown', code: 'UnreadableOutput', serviceMessage: output.detail },
      );
  }
}

/** Run Command's own refusals that the issue's table words: the VM not running, and another run in progress.
 *  Undefined for anything else (toIdentityError words it). */
export function runCommandRefusal(error: { status?: number; code?: string; message?: string; requestId?: string }, vmName: string, t: Localize = defaultLocalize): IdentityError | undefined {
  const message = error.message ?? '';
  const base = { code: error.code, statusCode: error.status, requestId: error.requestId, serviceMessage: message, cause: error };
  if (error.status !== 409) {
    return undefined;
  }
  if (/deallocated/i.test(message)) {
    return new IdentityError(t("'{0}' is deallocated, so nothing can run on it. Start it first, then verify again.", vmName), { kind: 'invalid', ...base, code: 'VmNotRunning' });
  }
  if (/has not reported status for VM agent/i.test(message)) {
    return new IdentityError(t("'{0}' is not running, or its VM agent is not ready. Start it first, then verify again.", vmName), { kind: 'invalid', ...base, code: 'VmNotRunning' });
  }
  if (/run command extension execution is in progress/i.test(message)) {
    return new IdentityError(t("Another Run Command is still running on '{0}'. Wait for it to finish, or try again in a minute.", vmName), {
      kind: 'conflict',
      ...base,
      code: 'RunCommandInProgress',
    });
  }
  return undefined;
}

/** The one-line verdict, e.g. "The identity works: oid matches the identity's principal id." */
export function verifyVerdict(checks: readonly ClaimCheck[], t: Localize = defaultLocalize): string {
  const failed = checks.filter((check) => !check.ok);
  if (failed.length === 0) {
    const oid = checks.find((check) => check.claim === 'oid');
    return oid ? t('The identity works: {0}.', oid.text) : t('The identity works: IMDS issued a token.');
  }
  return t('IMDS issued a token, but it does not match: {0}.', failed.map((check) => check.text).join('; '));
}

/** The result document (Markdown): the verdict, the claims and each check. The claims are no secret (no token,
 *  no signature), so they may be shown and saved. */
export function verifyReportMarkdown(
  report: { vmName: string; target: VerifyTarget; resource: string; osType: VerifyOsType; claims: TokenClaims; checks: readonly ClaimCheck[]; checkedAt: Date },
  t: Localize = defaultLocalize,
): string {
  const cell = (value: string | undefined) => (value === undefined ? '-' : `\`${value.replace(/[|`]/g, (c) => `\\${c}`)}\``);
  const { claims } = report;
  const ok = report.checks.every((check) => check.ok);
  return [
    `# ${t('Identity check of {0}', report.vmName)}`,
    '',
    `${ok ? '✅' : '❌'} **${verifyVerdict(report.checks, t)}**`,
    '',
    t("IMDS on '{0}' was asked for a token of {1} for {2}.", report.vmName, describeVerifyTarget(report.target, t), report.resource),
    '',
    `| ${t('Claim')} | ${t('Value')} |`,
    '| --- | --- |',
    `| aud | ${cell(claims.aud)} |`,
    `| oid | ${cell(claims.oid)} |`,
    `| appid | ${cell(claims.appid)} |`,
    `| tid | ${cell(claims.tid)} |`,
    `| xms_mirid | ${cell(claims.xms_mirid)} |`,
    `| exp | ${claims.exp === undefined ? '-' : `${cell(expiryText(claims.exp))} (${claims.exp})`} |`,
    '',
    `## ${t('Checks')}`,
    '',
    ...report.checks.map((check) => `- ${check.ok ? '✅' : '❌'} ${check.text}`),
    '',
    t(
      'Checked at {0} with Run Command ({1}). The token never left the VM: the script printed only its decoded claims.',
      report.checkedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      report.osType === 'Windows' ? 'RunPowerShellScript' : 'RunShellScript',
    ),
    '',
  ].join('\n');
}
