// What the Azure layer's neutral errors mean, told to a person: which role is missing on which resource, which
// identity or group was not found, and what to do next. The request id is kept for the log; tokens never are.
import { IdentityError, type IdentityErrorDetails, type IdentityErrorRemedy } from './identityError';
import { defaultLocalize, type Localize } from './localize';
import type { SignInMethod } from './model';
import { nameTakenProblem } from './nameRules';
import { resourceNameFromId, trimTrailingSlashes } from './resourceIds';
import {
  GraphSignInMissingError,
  ServiceError,
  ServicePrincipalEnvironmentMissingError,
  SignInFailedError,
  SignInRequiredError,
  SubscriptionNotAvailableError,
  UntrustedEndpointError,
} from './serviceError';

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

/** The one way to say an operation was cancelled. */
export function cancelledError(localize: Localize = defaultLocalize, cause?: unknown): IdentityError {
  return new IdentityError(localize('Cancelled.'), { kind: 'cancelled', cause });
}

/** ARM codes that mean "another write is running or won": re-read and try again. */
const RETRYABLE_CONFLICT_CODES = /^(ConflictingConcurrentWriteNotAllowed|OperationPreempted|PreconditionFailed)$/i;

/** Turns whatever an operation threw (the Azure layer's neutral errors, a cancellation, anything else) into an
 *  IdentityError with a message for a person. */
export function toIdentityError(error: unknown, context: ErrorContext = {}): IdentityError {
  if (error instanceof IdentityError) {
    return error;
  }
  const t = context.localize ?? defaultLocalize;
  if (isAbort(error)) {
    return cancelledError(t, error);
  }
  const signInProblem = signInErrorMessage(error, context, t);
  if (signInProblem) {
    return signInProblem;
  }
  if (!(error instanceof ServiceError)) {
    const message = error instanceof Error ? error.message : String(error);
    return new IdentityError(context.operation ? t('Could not {0}: {1}', context.operation, message) : message, { kind: 'unknown', serviceMessage: message, cause: error });
  }
  const parsed = error;
  const base = {
    code: parsed.code,
    statusCode: parsed.status,
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
  if (code === 'AuthorizationFailed' || (parsed.status === 403 && /does not have authorization to perform action/i.test(message))) {
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
  if (code === 'Authorization_RequestDenied' || (parsed.status === 403 && isGraphErrorCode(code))) {
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
  if (parsed.status === 404 || /NotFound$/i.test(code)) {
    return new IdentityError(notFoundMessage(code, message, context, t), { kind: 'notFound', ...base });
  }
  if (parsed.status === 401) {
    return new IdentityError(t('Azure did not accept the sign-in ({0}). Sign in again.', message), { kind: 'authentication', ...base });
  }
  if (parsed.status === 412 && context.creating) {
    const { kind, name, resourceGroup } = context.creating;
    return new IdentityError(nameTakenProblem(kind, name, resourceGroup, [name], t)!, {
      ...base,
      kind: 'invalid',
      code: kind === 'identity' ? 'IdentityNameTaken' : 'VirtualMachineNameTaken',
    });
  }
  if (parsed.status === 412 || RETRYABLE_CONFLICT_CODES.test(code)) {
    return new IdentityError(
      context.vmName
        ? t("'{0}' is being changed by someone else, and the change could not be made safely. Refresh and try again in a moment.", context.vmName)
        : t('The resource is being changed by someone else, and the change could not be made safely. Refresh and try again in a moment.'),
      { kind: 'conflict', ...base },
    );
  }
  if (parsed.status === 409) {
    // Any other conflict (e.g. OperationNotAllowed: a quota, or a VM state that forbids the change) will not go away
    // by retrying; Azure's own message says why.
    return new IdentityError(
      parsed.requestId ? t('Azure refused the request: {0} (request id {1})', message, parsed.requestId) : t('Azure refused the request: {0}', message),
      { kind: 'invalid', ...base },
    );
  }
  if (parsed.status === 429) {
    return new IdentityError(
      parsed.retryAfterMs !== undefined
        ? t('Azure is throttling requests; try again in {0} seconds.', Math.ceil(parsed.retryAfterMs / 1000))
        : t('Azure is throttling requests; try again shortly.'),
      { kind: 'throttled', ...base },
    );
  }
  if (parsed.status === 400) {
    return new IdentityError(t('Azure refused the request: {0}', message), { kind: 'invalid', ...base });
  }
  if (parsed.service === 'login') {
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

/** The sign-in layers' typed errors in words; undefined for any other error. */
function signInErrorMessage(error: unknown, context: ErrorContext, t: Localize): IdentityError | undefined {
  if (error instanceof GraphSignInMissingError) {
    // A silent Graph call found no token: the group commands are the explicit actions that may ask for consent.
    return new IdentityError(
      t('VS Code has no Microsoft Graph sign-in for tenant {0} yet; run Add to Group (or Remove from Group) to grant it.', error.tenantId),
      { kind: 'authentication', cause: error },
    );
  }
  if (error instanceof SignInRequiredError) {
    return new IdentityError(t('Sign in to tenant {0} to reach its subscriptions.', error.tenantId), { kind: 'authentication', cause: error });
  }
  if (error instanceof SubscriptionNotAvailableError) {
    return new IdentityError(t('Subscription {0} is not available to this sign-in.', error.subscriptionId), { kind: 'notFound', cause: error });
  }
  if (error instanceof ServicePrincipalEnvironmentMissingError) {
    const missing = error.missingVariables.join(', ');
    return new IdentityError(
      error.missingVariables.length === 1
        ? t('Service principal sign-in needs the environment variable {0} (set them before starting VS Code), or choose another azureVmIdentities.signInMethod.', missing)
        : t('Service principal sign-in needs the environment variables {0} (set them before starting VS Code), or choose another azureVmIdentities.signInMethod.', missing),
      { kind: 'authentication', cause: error },
    );
  }
  if (error instanceof UntrustedEndpointError) {
    const refusal = t('Refusing to send a request to {0}: it is not under {1}.', error.origin, error.allowedPrefix);
    return new IdentityError(context.operation ? t('Could not {0}: {1}', context.operation, refusal) : refusal, {
      kind: 'unknown',
      code: 'UntrustedEndpoint',
      serviceMessage: refusal,
      cause: error,
    });
  }
  if (error instanceof SignInFailedError) {
    const mapped = toIdentityError(error.cause, context);
    const reason = (mapped.serviceMessage ?? mapped.message).trim().replace(/([^.])$/, '$1.');
    return new IdentityError(t('Could not sign in with {0}: {1} {2}', error.account, reason, howToSignIn(error.signInMethod, t)), {
      kind: 'authentication',
      requestId: mapped.requestId,
      cause: error,
    });
  }
  return undefined;
}

/** What to do when an explicit sign-in fails, by how the user signs in. */
function howToSignIn(method: SignInMethod, t: Localize): string {
  switch (method) {
    case 'servicePrincipal':
      return t('Check AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET and AZURE_AUTHORITY_HOST, then restart VS Code.');
    case 'azureCli':
      return t('Run `az login` in a terminal (and `az cloud set` for a sovereign cloud), then sign in again.');
    default:
      return t('Sign in again.');
  }
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

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
