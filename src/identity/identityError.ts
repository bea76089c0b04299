// The domain's error: what went wrong, in words for a person (errorWording.ts writes them), with the details the UI
// and the log need (kind, code, status, request id, the missing role). Tokens never reach it.
import type { IdentityHost } from './model';
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
  /** The identity is not a member of the group it was to be removed from (another window removed it first). */
  | 'notMember'
  | 'throttled'
  | 'cancelled'
  /** Azure accepted a write, then its operation failed or its outcome could not be read (see AcceptedWriteError). */
  | 'acceptedThenFailed'
  /** Azure accepted a write whose operation did not end within the time limit (see AcceptedWriteError). */
  | 'timedOut'
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
export type IdentityErrorRemedy = 'useAzureCliSignIn';

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

export function isIdentityError(error: unknown): error is IdentityError {
  return error instanceof IdentityError;
}

/** Why the caller did not see an accepted write succeed. */
export type AcceptedWriteEnd = 'failed' | 'outcomeUnknown' | 'timedOut' | 'cancelled';

/**
 * A write Azure accepted (its first answer was 2xx) whose end the caller did not see succeed: the operation ended
 * Failed, its status could not be read, it ran past the time limit, or the user stopped waiting. The change may be
 * applied, so the message says what the resource has now: `host` is the resource as re-read afterwards (undefined when
 * that read failed too). After a cancel or a time-out, `settled` resolves with the resource once Azure's operation has
 * ended (bounded by the time limit; undefined when it did not end or could not be read), so the UI can show it.
 */
export class AcceptedWriteError extends IdentityError {
  constructor(
    message: string,
    readonly end: AcceptedWriteEnd,
    readonly host: IdentityHost | undefined,
    details: Omit<IdentityErrorDetails, 'kind'>,
    readonly settled?: Promise<IdentityHost | undefined>,
  ) {
    super(message, { ...details, kind: end === 'cancelled' ? 'cancelled' : end === 'timedOut' ? 'timedOut' : 'acceptedThenFailed' });
    this.name = 'AcceptedWriteError';
  }
}
