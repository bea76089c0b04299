// The neutral errors the Azure layer throws: what a service answered (ServiceError) and a few small typed errors for
// what the sign-in layers know. Only src/azure constructs them; src/identity/errorWording.ts turns them into words.
import type { SignInMethod } from './model';

/** Which service answered: Azure Resource Manager, Microsoft Graph, or the sign-in (token) itself. */
export type ServiceName = 'arm' | 'graph' | 'login';

export interface ServiceErrorDetails {
  service: ServiceName;
  /** The HTTP status, when a response came. */
  status?: number;
  /** The service's error code, e.g. AuthorizationFailed, Authorization_RequestDenied, CredentialUnavailableError. */
  code?: string;
  /** x-ms-request-id (ARM) or request-id (Graph). */
  requestId?: string;
  /** How long the service asked to wait (Retry-After). */
  retryAfterMs?: number;
  /** The service's `error.target`, when it names one. */
  target?: string;
  cause?: unknown;
}

/** A service's answer to a failed call, parsed once (the message is the service's own, redacted). */
export class ServiceError extends Error {
  readonly service: ServiceName;
  readonly status?: number;
  readonly code?: string;
  readonly requestId?: string;
  readonly retryAfterMs?: number;
  readonly target?: string;

  constructor(message: string, details: ServiceErrorDetails) {
    super(message, details.cause !== undefined ? { cause: details.cause } : undefined);
    this.name = 'ServiceError';
    this.service = details.service;
    this.status = details.status;
    this.code = details.code;
    this.requestId = details.requestId;
    this.retryAfterMs = details.retryAfterMs;
    this.target = details.target;
  }
}

/** No Microsoft Graph token for the tenant, and the call was not allowed to ask for one. */
export class GraphSignInMissingError extends Error {
  constructor(readonly tenantId: string) {
    super(`No Microsoft Graph sign-in for tenant ${tenantId}`);
    this.name = 'GraphSignInMissingError';
  }
}

/** No Azure Resource Manager session for the tenant: the user must sign in to it. */
export class SignInRequiredError extends Error {
  constructor(readonly tenantId: string) {
    super(`No sign-in for tenant ${tenantId}`);
    this.name = 'SignInRequiredError';
  }
}

/** The subscription is not among those the sign-in can see. */
export class SubscriptionNotAvailableError extends Error {
  constructor(readonly subscriptionId: string) {
    super(`Subscription ${subscriptionId} is not available to this sign-in`);
    this.name = 'SubscriptionNotAvailableError';
  }
}

/** Service principal sign-in without the environment variables it needs (their names, never their values). */
export class ServicePrincipalEnvironmentMissingError extends Error {
  constructor(readonly missingVariables: readonly string[]) {
    super(`Missing environment variables: ${missingVariables.join(', ')}`);
    this.name = 'ServicePrincipalEnvironmentMissingError';
  }
}

/** An explicit sign-in failed; `cause` says why (usually a ServiceError from the sign-in). */
export class SignInFailedError extends Error {
  constructor(
    readonly signInMethod: SignInMethod,
    /** Who was signing in, as the account describes itself. */
    readonly account: string,
    cause: unknown,
  ) {
    super(`Sign-in failed: ${account}`, { cause });
    this.name = 'SignInFailedError';
  }
}

/** A request was not sent because its URL is outside the endpoint the cloud names (e.g. a hostile nextLink): no
 *  token goes to a host the configuration did not choose. */
export class UntrustedEndpointError extends Error {
  constructor(
    readonly origin: string,
    readonly allowedPrefix: string,
  ) {
    super(`Untrusted endpoint ${origin} (allowed: ${allowedPrefix})`);
    this.name = 'UntrustedEndpointError';
  }
}
