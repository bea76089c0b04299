// What ARM and Microsoft Graph errors mean, told to a person: which role is missing on which resource, which
// identity or group was not found, and what to do next. The request id is kept for the log; tokens never are.
import { defaultLocalize, type Localize } from './localize';
import type { SignInMethod } from './model';
import { nameTakenProblem } from './nameRules';
import { resourceNameFromId, trimTrailingSlashes } from './resourceIds';
import { redactSecrets } from './redact';

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
  /** Something the UI can offer as a button, e.g. switching to Azure CLI sign-in after a Graph refusal. */
  remedy?: IdentityErrorRemedy;
  cause?: unknown;
}

/** A fix the UI can offer with one click. */
type IdentityErrorRemedy = 'useAzureCliSignIn';

export class IdentityError extends Error {
  readonly kind: IdentityErrorKind;
  readonly code?: string;
  readonly statusCode?: number;
  readonly requestId?: string;
  readonly missingRole?: string;
  readonly action?: string;
  readonly suggestedCommand?: string;
  readonly serviceMessage?: string;
  readonly remedy?: IdentityErrorRemedy;

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
    this.remedy = details.remedy;
  }

  /** One line for the log: kind, code, status and request id, never a token. */
  toLogLine(): string {
    const parts = [`${this.kind}`, this.code, this.statusCode?.toString(), this.requestId && `request id ${this.requestId}`];
    return `${this.message} [${parts.filter(Boolean).join(', ')}]${this.serviceMessage && this.serviceMessage !== this.message ? ` Azure said: ${this.serviceMessage}` : ''}`;
  }
}

/** No Microsoft Graph token for the tenant, and the call was not allowed to ask for one (sign-in layers throw it;
 *  {@link toIdentityError} words it). */
export class GraphSignInMissingError extends Error {
  constructor(readonly tenantId: string) {
    super(`No Microsoft Graph sign-in for tenant ${tenantId}`);
    this.name = 'GraphSignInMissingError';
  }
}

export function isIdentityError(error: unknown): error is IdentityError {
  return error instanceof IdentityError;
}

/** Built-in roles that grant an ARM action, most specific first. */
/** The built-in role each refused action needs, and what that action acts on (whose owner can grant the role). */
const ROLE_FOR_ACTION: { action: RegExp; role: string; resource: (t: Localize) => string }[] = [
  { action: /^Microsoft\.ManagedIdentity\/userAssignedIdentities\/assign\/action$/i, role: 'Managed Identity Operator', resource: (t) => t('the identity') },
  { action: /^Microsoft\.ManagedIdentity\/userAssignedIdentities\/(write|delete)$/i, role: 'Managed Identity Contributor', resource: (t) => t('the identity') },
  { action: /^Microsoft\.ManagedIdentity\/userAssignedIdentities\/read$/i, role: 'Managed Identity Operator', resource: (t) => t('the identity') },
  { action: /^Microsoft\.Compute\/virtualMachines\/(write|delete|.*\/action)$/i, role: 'Virtual Machine Contributor', resource: (t) => t('the virtual machine') },
  { action: /^Microsoft\.Network\/virtualNetworks\/subnets\/join\/action$/i, role: 'Network Contributor', resource: (t) => t('the virtual network') },
  { action: /^Microsoft\.Authorization\//i, role: 'User Access Administrator', resource: (t) => t('the resource') },
  { action: /\/read$/i, role: 'Reader', resource: (t) => t('the resource') },
];

function roleRowFor(action: string) {
  return ROLE_FOR_ACTION.find((row) => row.action.test(action));
}

export function roleForAction(action: string): string | undefined {
  return roleRowFor(action)?.role;
}

/** A linked scope's name for a message: a subnet as `network/subnet`, anything else by its last segment. */
function linkedResourceName(id: string): string {
  const subnet = /\/virtualNetworks\/([^/]+)\/subnets\/([^/]+)\/?$/i.exec(id);
  return subnet ? `${subnet[1]}/${subnet[2]}` : resourceNameFromId(id);
}

/** What the failed call was about, so the message can name it. */
export interface ErrorContext {
  vmName?: string;
  /** What a create was making: its PUT carries If-None-Match: *, so a 412 means the name is taken. */
  creating?: { kind: 'identity' | 'virtualMachine'; name: string; resourceGroup: string };
  /** Names or ids of the user-assigned identities involved. */
  identityIds?: string[];
  groupId?: string;
  groupName?: string;
  /** The VM identity's principal (object) id, for Graph calls. */
  principalId?: string;
  /** Which Graph call was refused, for a message that names the right permission. */
  graphAction?: 'addMember' | 'removeMember' | 'readMemberships';
  /** What was being done, e.g. "assign identities to vm-web-01" (for unknown errors), already localized. */
  operation?: string;
  /** How the user signed in: a Graph refusal means something different for VS Code's own sign-in app. */
  signInMethod?: SignInMethod;
  /** Localizes the message (vscode.l10n.t in the extension); {@link defaultLocalize} otherwise. */
  localize?: Localize;
}

interface ParsedServiceError {
  statusCode?: number;
  code?: string;
  message: string;
  requestId?: string;
  retryAfterSeconds?: number;
}

/** The one way to say an operation was cancelled. */
export function cancelledError(localize: Localize = defaultLocalize, cause?: unknown): IdentityError {
  return new IdentityError(localize('Cancelled.'), { kind: 'cancelled', cause });
}

/** ARM codes that mean "another write is running or won": re-read and try again. */
const RETRYABLE_CONFLICT_CODES = /^(ConflictingConcurrentWriteNotAllowed|OperationPreempted|PreconditionFailed)$/i;

/** Turns whatever an SDK call threw into an IdentityError with a message for a person. */
export function toIdentityError(error: unknown, context: ErrorContext = {}): IdentityError {
  if (error instanceof IdentityError) {
    return error;
  }
  const t = context.localize ?? defaultLocalize;
  if (isAbort(error)) {
    return cancelledError(t, error);
  }
  if (error instanceof GraphSignInMissingError) {
    return new IdentityError(graphSignInMissingMessage(error.tenantId, t), { kind: 'authentication', cause: error });
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
    const row = action ? roleRowFor(action) : undefined;
    const role = row?.role;
    const names = linked ? linked[2].split(/\s*,\s*/).map(linkedResourceName).join(', ') : describeIdentities(context);
    // Without a known action the linked scope is an identity: the only links this extension sends besides subnets.
    const owned = row ? row.resource(t) : t('the identity');
    return new IdentityError(
      t('You need the {0} role on {1}', role ?? t('required'), names || t('the linked resource')) +
        (action ? t(' ({0} was refused)', action) : '') +
        (context.vmName ? t(": you may change '{0}', but not attach that identity to it", context.vmName) : '') +
        t('. Ask an owner of {0} to grant the role, then try again.', owned),
      { kind: 'linkedAuthorization', missingRole: role, action, ...base },
    );
  }
  if (code === 'AuthorizationFailed' || (parsed.statusCode === 403 && /does not have authorization to perform action/i.test(message))) {
    const refused = /perform action '([^']+)' over scope '([^']+)'/i.exec(message);
    const action = refused?.[1];
    const role = action ? roleForAction(action) : undefined;
    const scopeName = refused ? describeScope(refused[2], t) : context.vmName ? `'${context.vmName}'` : t('this resource');
    return new IdentityError(
      t('You need the {0} role on {1}', role ?? t('required'), scopeName) +
        (action ? t(' ({0} was refused)', action) : '') +
        t('. If access was granted recently, sign in again.'),
      { kind: 'authorization', missingRole: role, action, ...base },
    );
  }
  if (code === 'Authorization_RequestDenied' || (parsed.statusCode === 403 && isGraphErrorCode(code))) {
    return graphPermissionError(context, t, base);
  }
  if (/already exist/i.test(message) && (code === 'Request_BadRequest' || isGraphErrorCode(code))) {
    return new IdentityError(
      context.vmName
        ? t("The identity of '{0}' is already a member of {1}.", context.vmName, describeGroup(context, t))
        : t('The identity is already a member of {0}.', describeGroup(context, t)),
      { kind: 'alreadyMember', ...base },
    );
  }
  if (code === 'FailedIdentityOperation' && /not found/i.test(message)) {
    const missingId = /Resource '([^']+)' was not found/i.exec(message)?.[1];
    return new IdentityError(
      missingId
        ? t("The user-assigned identity '{0}' was not found ({1}). It may have been deleted; refresh and choose another.", resourceNameFromId(missingId), missingId)
        : t('The user-assigned identity {0} was not found. It may have been deleted; refresh and choose another.', describeIdentities(context) || t('A user-assigned identity')),
      { kind: 'notFound', ...base },
    );
  }
  if (parsed.statusCode === 404 || /NotFound$/i.test(code)) {
    return new IdentityError(notFoundMessage(code, message, context, t), { kind: 'notFound', ...base });
  }
  if (parsed.statusCode === 401) {
    return new IdentityError(t('Azure did not accept the sign-in ({0}). Sign in again.', message), { kind: 'authentication', ...base });
  }
  if (parsed.statusCode === 412 && context.creating) {
    const { kind, name, resourceGroup } = context.creating;
    return new IdentityError(nameTakenProblem(kind, name, resourceGroup, [name], t)!, {
      ...base,
      kind: 'invalid',
      code: kind === 'identity' ? 'IdentityNameTaken' : 'VirtualMachineNameTaken',
    });
  }
  if (parsed.statusCode === 412 || RETRYABLE_CONFLICT_CODES.test(code)) {
    return new IdentityError(
      context.vmName
        ? t("'{0}' is being changed by someone else, and the change could not be made safely. Refresh and try again in a moment.", context.vmName)
        : t('The resource is being changed by someone else, and the change could not be made safely. Refresh and try again in a moment.'),
      { kind: 'conflict', ...base },
    );
  }
  if (parsed.statusCode === 409) {
    // Any other conflict (e.g. OperationNotAllowed: a quota, or a VM state that forbids the change) will not go away
    // by retrying; Azure's own message says why.
    return new IdentityError(
      parsed.requestId ? t('Azure refused the request: {0} (request id {1})', message, parsed.requestId) : t('Azure refused the request: {0}', message),
      { kind: 'invalid', ...base },
    );
  }
  if (parsed.statusCode === 429) {
    return new IdentityError(
      parsed.retryAfterSeconds !== undefined
        ? t('Azure is throttling requests; try again in {0} seconds.', parsed.retryAfterSeconds)
        : t('Azure is throttling requests; try again shortly.'),
      { kind: 'throttled', ...base },
    );
  }
  if (parsed.statusCode === 400) {
    return new IdentityError(t('Azure refused the request: {0}', message), { kind: 'invalid', ...base });
  }
  if (isCredentialError(error)) {
    return new IdentityError(t('Could not sign in: {0}', message), { kind: 'authentication', ...base });
  }
  return new IdentityError(context.operation ? t('Could not {0}: {1}', context.operation, message) : message, { kind: 'unknown', ...base });
}

/** What to tell someone whose Graph call was refused depends on who they signed in as. */
function graphSignInHint(context: ErrorContext, t: Localize, permission: string, ownerMayChange: boolean): { hint: string; remedy?: IdentityErrorRemedy } {
  if (context.signInMethod === 'azureCli' || context.signInMethod === 'servicePrincipal') {
    const who = context.signInMethod === 'azureCli' ? t('The account Azure CLI signed in with') : t('The service principal you signed in with');
    return {
      hint: ownerMayChange
        ? t('{0} lacks the {1} permission and does not own the group; ask a directory administrator for either', who, permission)
        : t('{0} lacks the {1} permission; ask a directory administrator to grant it', who, permission),
    };
  }
  return {
    hint:
      context.signInMethod === 'vscode'
        ? t("VS Code's sign-in app may lack the {0} permission in your directory; sign in with Azure CLI instead (setting azureVmIdentities.signInMethod)", permission)
        : t("VS Code's own sign-in has narrow Microsoft Graph permissions; sign in with Azure CLI instead (setting azureVmIdentities.signInMethod)"),
    remedy: 'useAzureCliSignIn',
  };
}

/** A silent Graph call found no token: the group commands are the explicit actions that may ask for consent. */
function graphSignInMissingMessage(tenantId: string, t: Localize): string {
  return t('VS Code has no Microsoft Graph sign-in for tenant {0} yet; run Add to Group (or Remove from Group) to grant it.', tenantId);
}

function graphPermissionError(context: ErrorContext, t: Localize, base: Omit<IdentityErrorDetails, 'kind'>): IdentityError {
  if (context.graphAction === 'readMemberships') {
    const { hint, remedy } = graphSignInHint(context, t, 'Application.Read.All', false);
    return new IdentityError(
      t(
        "Microsoft Graph refused to list the groups of {0}: reading a service principal's memberships needs the Application.Read.All or Directory.Read.All permission. {1}.",
        context.vmName ? `'${context.vmName}'` : t('the VM'),
        hint,
      ),
      { kind: 'graphPermission', missingRole: 'Application.Read.All', remedy, ...base },
    );
  }
  const verb = context.graphAction === 'removeMember' ? 'remove' : 'add';
  const command =
    context.groupId && context.principalId
      ? `az ad group member ${verb} --group ${context.groupId} --member-id ${context.principalId}`
      : undefined;
  const { hint, remedy } = graphSignInHint(context, t, 'GroupMember.ReadWrite.All', true);
  const refusal = t(
    'Microsoft Graph refused to change the members of {0}: it needs the GroupMember.ReadWrite.All permission or ownership of the group. {1}',
    describeGroup(context, t),
    hint,
  );
  return new IdentityError(command ? t('{0}, or run: {1}.', refusal, command) : `${refusal}.`, {
    kind: 'graphPermission',
    missingRole: 'GroupMember.ReadWrite.All',
    suggestedCommand: command,
    remedy,
    ...base,
  });
}

function describeGroup(context: ErrorContext, t: Localize): string {
  return context.groupName ? `'${context.groupName}'` : t('the group');
}

function notFoundMessage(code: string, message: string, context: ErrorContext, t: Localize): string {
  if (code === 'ResourceGroupNotFound') {
    return message;
  }
  if (code === 'Request_ResourceNotFound') {
    // Graph: the group, or the VM identity's service principal (which replicates a little after it is created).
    return t(
      'Microsoft Entra ID could not find {0}the service principal of {1}. If the identity was enabled just now, wait a minute and try again.',
      context.groupName ? t("the group '{0}' or ", context.groupName) : t('the group or '),
      context.vmName ? `'${context.vmName}'` : t('the VM'),
    );
  }
  if (context.vmName && new RegExp(`virtualMachines/${escapeRegExp(context.vmName)}\\b`, 'i').test(message)) {
    return t("The virtual machine '{0}' was not found. It may have been deleted; refresh the list.", context.vmName);
  }
  return message;
}

function describeScope(scope: string, t: Localize): string {
  const segments = trimTrailingSlashes(scope).split('/');
  if (segments.length === 3 && /^subscriptions$/i.test(segments[1])) {
    return t('subscription {0}', segments[2]);
  }
  if (segments.length === 5 && /^resourceGroups$/i.test(segments[3])) {
    return t('resource group {0}', segments[4]);
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
