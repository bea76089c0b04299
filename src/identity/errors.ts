// What ARM and Microsoft Graph errors mean, told to a person: which role is missing on which resource, which
// identity or group was not found, and what to do next. The request id is kept for the log; tokens never are.
import { redactSecrets } from '../azure/redact';
import { resourceNameFromId } from './names';

export type IdentityErrorKind =
  /** ARM refused an action on a scope (403 AuthorizationFailed). */
  | 'authorization'
  /** ARM allowed the VM write but not an action on a linked resource (403 LinkedAuthorizationFailed). */
  | 'linkedAuthorization'
  /** The sign-in failed or expired (401, or no credential). */
  | 'authentication'
  | 'notFound'
  /** Another write got there first (409, 412), after the bounded retries. */
  | 'conflict'
  /** Bad input or a request that cannot be carried out; nothing was sent or nothing changed. */
  | 'invalid'
  /** Microsoft Graph refused a directory change (403 Authorization_RequestDenied). */
  | 'graphPermission'
  /** The identity is already a member of the group. */
  | 'alreadyMember'
  | 'throttled'
  | 'cancelled'
  | 'unknown';

export interface IdentityErrorDetails {
  kind: IdentityErrorKind;
  /** The service's error code, e.g. AuthorizationFailed. */
  code?: string;
  statusCode?: number;
  /** x-ms-request-id (ARM) or request-id (Graph): quote it in a support request. */
  requestId?: string;
  /** The built-in role that would allow the refused action. */
  missingRole?: string;
  /** The action that was refused, e.g. Microsoft.Compute/virtualMachines/write. */
  action?: string;
  /** A command that does the same with another sign-in (Graph refusals). */
  suggestedCommand?: string;
  /** The service's own message, redacted, for the log. */
  serviceMessage?: string;
  cause?: unknown;
}

export class IdentityError extends Error {
  readonly kind: IdentityErrorKind;
  readonly code?: string;
  readonly statusCode?: number;
  readonly requestId?: string;
  readonly missingRole?: string;
  readonly action?: string;
  readonly suggestedCommand?: string;
  readonly serviceMessage?: string;

  constructor(message: string, details: IdentityErrorDetails) {
    super(redactSecrets(message), details.cause !== undefined ? { cause: details.cause } : undefined);
    this.name = 'IdentityError';
    this.kind = details.kind;
    this.code = details.code;
    this.statusCode = details.statusCode;
    this.requestId = details.requestId;
    this.missingRole = details.missingRole;
    this.action = details.action;
    this.suggestedCommand = details.suggestedCommand;
    this.serviceMessage = details.serviceMessage === undefined ? undefined : redactSecrets(details.serviceMessage);
  }

  /** One line for the log: kind, code, status and request id, never a token. */
  toLogLine(): string {
    const parts = [`${this.kind}`, this.code, this.statusCode?.toString(), this.requestId && `request id ${this.requestId}`];
    return `${this.message} [${parts.filter(Boolean).join(', ')}]${this.serviceMessage && this.serviceMessage !== this.message ? ` Azure said: ${this.serviceMessage}` : ''}`;
  }
}

export function isIdentityError(error: unknown): error is IdentityError {
  return error instanceof IdentityError;
}

/** Built-in roles that grant an ARM action, most specific first. */
const ROLE_FOR_ACTION: [RegExp, string][] = [
  [/^Microsoft\.ManagedIdentity\/userAssignedIdentities\/assign\/action$/i, 'Managed Identity Operator'],
  [/^Microsoft\.ManagedIdentity\/userAssignedIdentities\/(write|delete)$/i, 'Managed Identity Contributor'],
  [/^Microsoft\.ManagedIdentity\/userAssignedIdentities\/read$/i, 'Managed Identity Operator'],
  [/^Microsoft\.Compute\/virtualMachines\/(write|delete|.*\/action)$/i, 'Virtual Machine Contributor'],
  [/^Microsoft\.Authorization\//i, 'User Access Administrator'],
  [/\/read$/i, 'Reader'],
];

export function roleForAction(action: string): string | undefined {
  return ROLE_FOR_ACTION.find(([pattern]) => pattern.test(action))?.[1];
}

/** What the failed call was about, so the message can name it. */
export interface ErrorContext {
  vmName?: string;
  /** Names or ids of the user-assigned identities involved. */
  identityIds?: string[];
  groupId?: string;
  groupName?: string;
  /** The VM identity's principal (object) id, for Graph calls. */
  principalId?: string;
  /** Which Graph call was refused, for a message that names the right permission. */
  graphAction?: 'addMember' | 'removeMember' | 'readMemberships';
  /** What was being done, e.g. "assign identities to vm-web-01" (for unknown errors). */
  operation?: string;
}

interface ParsedServiceError {
  statusCode?: number;
  code?: string;
  message: string;
  requestId?: string;
  retryAfterSeconds?: number;
}

/** Turns whatever an SDK call threw into an IdentityError with a message for a person. */
export function toIdentityError(error: unknown, context: ErrorContext = {}): IdentityError {
  if (error instanceof IdentityError) {
    return error;
  }
  if (isAbort(error)) {
    return new IdentityError('Cancelled.', { kind: 'cancelled', cause: error });
  }
  const parsed = parseServiceError(error);
  const base = {
    code: parsed.code,
    statusCode: parsed.statusCode,
    requestId: parsed.requestId,
    serviceMessage: parsed.message,
    cause: error,
  };
  const code = parsed.code ?? '';
  const message = parsed.message;

  if (code === 'LinkedAuthorizationFailed') {
    // Azure writes "action(s) '<a>[,<b>]' on the linked scope(s) '<id>[,<id>]' (respectively)".
    const linked = /perform action(?:\(s\))? '([^']+)' on the linked scope\(s\) '([^']+)'/i.exec(message);
    const action = linked?.[1].split(/\s*,\s*/)[0];
    const role = action ? roleForAction(action) : undefined;
    const names = linked ? linked[2].split(/\s*,\s*/).map(resourceNameFromId).join(', ') : describeIdentities(context);
    return new IdentityError(
      `You need the ${role ?? 'required'} role on ${names || 'the linked resource'}` +
        `${action ? ` (${action} was refused)` : ''}` +
        `${context.vmName ? `: you may change '${context.vmName}', but not attach that identity to it` : ''}. ` +
        'Ask an owner of the identity to grant the role, then try again.',
      { kind: 'linkedAuthorization', missingRole: role, action, ...base },
    );
  }
  if (code === 'AuthorizationFailed' || (parsed.statusCode === 403 && /does not have authorization to perform action/i.test(message))) {
    const refused = /perform action '([^']+)' over scope '([^']+)'/i.exec(message);
    const action = refused?.[1];
    const role = action ? roleForAction(action) : undefined;
    const scopeName = refused ? describeScope(refused[2]) : context.vmName ? `'${context.vmName}'` : 'this resource';
    return new IdentityError(
      `You need the ${role ?? 'required'} role on ${scopeName}${action ? ` (${action} was refused)` : ''}. ` +
        'If access was granted recently, sign in again.',
      { kind: 'authorization', missingRole: role, action, ...base },
    );
  }
  if (code === 'Authorization_RequestDenied' || (parsed.statusCode === 403 && isGraphErrorCode(code))) {
    return graphPermissionError(context, base);
  }
  if (/already exist/i.test(message) && (code === 'Request_BadRequest' || isGraphErrorCode(code))) {
    return new IdentityError(
      `The identity${context.vmName ? ` of '${context.vmName}'` : ''} is already a member of ${context.groupName ? `'${context.groupName}'` : 'the group'}.`,
      { kind: 'alreadyMember', ...base },
    );
  }
  if (code === 'FailedIdentityOperation' && /not found/i.test(message)) {
    const missingId = /Resource '([^']+)' was not found/i.exec(message)?.[1];
    const name = missingId ? `'${resourceNameFromId(missingId)}'` : describeIdentities(context) || 'A user-assigned identity';
    return new IdentityError(
      `The user-assigned identity ${name} was not found${missingId ? ` (${missingId})` : ''}. It may have been deleted; refresh and choose another.`,
      { kind: 'notFound', ...base },
    );
  }
  if (parsed.statusCode === 404 || /NotFound$/i.test(code)) {
    return new IdentityError(notFoundMessage(code, message, context), { kind: 'notFound', ...base });
  }
  if (parsed.statusCode === 401) {
    return new IdentityError(`Azure did not accept the sign-in (${message}). Sign in again.`, { kind: 'authentication', ...base });
  }
  if (parsed.statusCode === 409 || parsed.statusCode === 412 || /^(ConflictingConcurrentWriteNotAllowed|OperationPreempted|PreconditionFailed|OperationNotAllowed)$/i.test(code)) {
    return new IdentityError(
      `${context.vmName ? `'${context.vmName}'` : 'The resource'} is being changed by someone else, and the change could not be made safely. Refresh and try again in a moment.`,
      { kind: 'conflict', ...base },
    );
  }
  if (parsed.statusCode === 429) {
    return new IdentityError(
      `Azure is throttling requests${parsed.retryAfterSeconds !== undefined ? `; try again in ${parsed.retryAfterSeconds} seconds` : '; try again shortly'}.`,
      { kind: 'throttled', ...base },
    );
  }
  if (parsed.statusCode === 400) {
    return new IdentityError(`Azure refused the request: ${message}`, { kind: 'invalid', ...base });
  }
  if (isCredentialError(error)) {
    return new IdentityError(`Could not sign in: ${message}`, { kind: 'authentication', ...base });
  }
  return new IdentityError(
    `${context.operation ? `Could not ${context.operation}: ` : ''}${message}`,
    { kind: 'unknown', ...base },
  );
}

const SIGN_IN_HINT =
  "VS Code's own sign-in has narrow Microsoft Graph permissions; sign in with Azure CLI instead (setting azureVmIdentities.signInMethod)";

function graphPermissionError(context: ErrorContext, base: Omit<IdentityErrorDetails, 'kind'>): IdentityError {
  const group = context.groupName ? `'${context.groupName}'` : 'the group';
  if (context.graphAction === 'readMemberships') {
    return new IdentityError(
      `Microsoft Graph refused to list the groups of ${context.vmName ? `'${context.vmName}'` : 'the VM'}: reading a service ` +
        `principal's memberships needs the Application.Read.All or Directory.Read.All permission. ${SIGN_IN_HINT}.`,
      { kind: 'graphPermission', missingRole: 'Application.Read.All', ...base },
    );
  }
  const verb = context.graphAction === 'removeMember' ? 'remove' : 'add';
  const command =
    context.groupId && context.principalId
      ? `az ad group member ${verb} --group ${context.groupId} --member-id ${context.principalId}`
      : undefined;
  return new IdentityError(
    `Microsoft Graph refused to change the members of ${group}: it needs the GroupMember.ReadWrite.All permission or ` +
      `ownership of the group. ${SIGN_IN_HINT}${command ? `, or run: ${command}` : ''}.`,
    { kind: 'graphPermission', missingRole: 'GroupMember.ReadWrite.All', suggestedCommand: command, ...base },
  );
}

function notFoundMessage(code: string, message: string, context: ErrorContext): string {
  if (code === 'ResourceGroupNotFound') {
    return message;
  }
  if (code === 'Request_ResourceNotFound') {
    // Graph: the group, or the VM identity's service principal (which replicates a little after it is created).
    return `Microsoft Entra ID could not find ${context.groupName ? `the group '${context.groupName}' or ` : 'the group or '}the service principal of ${context.vmName ? `'${context.vmName}'` : 'the VM'}. If the identity was enabled just now, wait a minute and try again.`;
  }
  if (context.vmName && new RegExp(`virtualMachines/${escapeRegExp(context.vmName)}\\b`, 'i').test(message)) {
    return `The virtual machine '${context.vmName}' was not found. It may have been deleted; refresh the list.`;
  }
  return message;
}

function describeScope(scope: string): string {
  const segments = scope.replace(/\/+$/, '').split('/');
  if (segments.length === 3 && /^subscriptions$/i.test(segments[1])) {
    return `subscription ${segments[2]}`;
  }
  if (segments.length === 5 && /^resourceGroups$/i.test(segments[3])) {
    return `resource group ${segments[4]}`;
  }
  return resourceNameFromId(scope);
}

function describeIdentities(context: ErrorContext): string {
  return (context.identityIds ?? []).map((id) => `'${resourceNameFromId(id)}'`).join(', ');
}

function isGraphErrorCode(code: string): boolean {
  return /^(Request_|Authorization_|Authentication_|Directory_)/.test(code);
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || (error as { code?: string }).code === 'ABORT_ERR');
}

/** @azure/identity's sign-in errors, and vscode-azext-azureauth's NotSignedInError (duck-typed as it asks). */
function isCredentialError(error: unknown): boolean {
  return (
    error instanceof Error &&
    (/^(CredentialUnavailableError|AuthenticationError|AggregateAuthenticationError)$/.test(error.name) ||
      (error as { isNotSignedInError?: boolean }).isNotSignedInError === true)
  );
}

/** Reads status, code, message and request id from a RestError (core-client, core-rest-pipeline or ts-http-runtime),
 *  or from core-lro's "The long-running operation has failed. CODE. message" Error. Duck-typed on purpose: the Azure
 *  packages carry several RestError classes, so instanceof would miss some. */
function parseServiceError(error: unknown): ParsedServiceError {
  if (!(error instanceof Error)) {
    return { message: String(error) };
  }
  const candidate = error as Error & {
    statusCode?: number;
    code?: string;
    response?: { headers?: { get?(name: string): string | undefined }; bodyAsText?: string; parsedBody?: unknown };
  };
  const header = (name: string) => candidate.response?.headers?.get?.(name) ?? undefined;
  let code = typeof candidate.code === 'string' ? candidate.code : undefined;
  let message = candidate.message;
  let requestId = header('x-ms-request-id') ?? header('request-id');

  const body = bodyError(candidate.response);
  if (body) {
    code = body.code ?? code;
    message = body.message ?? message;
    requestId = requestId ?? body.requestId;
  }
  const lro = /^The long-running operation has failed\. ([A-Za-z_]+)\. ([\s\S]*)$/.exec(message);
  if (lro) {
    code = code ?? lro[1];
    message = lro[2];
  }
  const retryAfter = header('retry-after');
  return {
    statusCode: typeof candidate.statusCode === 'number' ? candidate.statusCode : undefined,
    code,
    message: redactSecrets(message),
    requestId,
    retryAfterSeconds: retryAfter !== undefined && /^\d+$/.test(retryAfter) ? Number(retryAfter) : undefined,
  };
}

function bodyError(response: { bodyAsText?: string; parsedBody?: unknown } | undefined):
  { code?: string; message?: string; requestId?: string } | undefined {
  let body: unknown = response?.parsedBody;
  if (body === undefined && response?.bodyAsText) {
    try {
      body = JSON.parse(response.bodyAsText);
    } catch {
      return undefined;
    }
  }
  const inner = (body as { error?: { code?: unknown; message?: unknown; innerError?: Record<string, unknown> } } | undefined)?.error;
  if (!inner || typeof inner !== 'object') {
    return undefined;
  }
  return {
    code: typeof inner.code === 'string' ? inner.code : undefined,
    message: typeof inner.message === 'string' ? inner.message : undefined,
    requestId: typeof inner.innerError?.['request-id'] === 'string' ? (inner.innerError['request-id'] as string) : undefined,
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
