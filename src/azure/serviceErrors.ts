// Where SDK and REST failures become neutral errors, once: every client leaves src/azure throwing a ServiceError
// (status, code, message, request id, retry-after, target) or one of the small typed errors, never an SDK class.
import { redactSecrets } from '../identity/redact';
import { ServiceError, type ServiceName } from '../identity/serviceError';

/** core-lro's wording of a failed long-running operation: "The long-running operation has failed. CODE. message". */
const LRO_FAILURE = /^The long-running operation has failed\. ([A-Za-z_]+)\. ([\s\S]*)$/;

/**
 * A ServiceError for a failed service call (a RestError of core-client, core-rest-pipeline or ts-http-runtime,
 * core-lro's "The long-running operation has failed. CODE. message" Error, or an @azure/identity sign-in error);
 * anything else (cancellation, the typed errors, programming errors) is returned unchanged. Duck-typed on purpose:
 * the Azure packages carry several RestError classes, so instanceof would miss some.
 */
export function toServiceError(error: unknown, service: Exclude<ServiceName, 'login'>): unknown {
  if (!(error instanceof Error) || error instanceof ServiceError || isAbort(error)) {
    return error;
  }
  if (isCredentialError(error)) {
    return new ServiceError(redactSecrets(error.message), { service: 'login', code: error.name, cause: error });
  }
  const candidate = error as Error & {
    statusCode?: number;
    code?: string;
    response?: { headers?: { get?(name: string): string | undefined }; bodyAsText?: string; parsedBody?: unknown };
  };
  if (candidate.name !== 'RestError' && typeof candidate.statusCode !== 'number' && !LRO_FAILURE.test(candidate.message)) {
    return error;
  }
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
  const lro = LRO_FAILURE.exec(message);
  if (lro) {
    code = code ?? lro[1];
    message = lro[2];
  }
  const retryAfter = header('retry-after');
  return new ServiceError(redactSecrets(message), {
    service,
    status: typeof candidate.statusCode === 'number' ? candidate.statusCode : undefined,
    code,
    requestId,
    retryAfterMs: retryAfter !== undefined && /^\d+$/.test(retryAfter) ? Number(retryAfter) * 1000 : undefined,
    target: body?.target,
    cause: error,
  });
}

/** The client with every method's failure passed through {@link toServiceError}: the one boundary for a client. */
export function withServiceErrors<T extends object>(client: T, service: Exclude<ServiceName, 'login'>): T {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') {
        return value;
      }
      return async (...args: unknown[]) => {
        try {
          return await (value as (...a: unknown[]) => unknown).apply(target, args);
        } catch (error) {
          throw toServiceError(error, service);
        }
      };
    },
  });
}

function isAbort(error: Error): boolean {
  return error.name === 'AbortError' || (error as { code?: string }).code === 'ABORT_ERR';
}

/** @azure/identity's sign-in errors, and vscode-azext-azureauth's NotSignedInError (duck-typed as it asks). */
function isCredentialError(error: Error): boolean {
  return (
    /^(CredentialUnavailableError|AuthenticationError|AggregateAuthenticationError)$/.test(error.name) ||
    (error as { isNotSignedInError?: boolean }).isNotSignedInError === true
  );
}

function bodyError(response: { bodyAsText?: string; parsedBody?: unknown } | undefined):
  { code?: string; message?: string; requestId?: string; target?: string } | undefined {
  let body: unknown = response?.parsedBody;
  if (body === undefined && response?.bodyAsText) {
    try {
      body = JSON.parse(response.bodyAsText);
    } catch {
      return undefined;
    }
  }
  const inner = (body as { error?: { code?: unknown; message?: unknown; target?: unknown; innerError?: Record<string, unknown> } } | undefined)?.error;
  if (!inner || typeof inner !== 'object') {
    return undefined;
  }
  return {
    code: typeof inner.code === 'string' ? inner.code : undefined,
    message: typeof inner.message === 'string' ? inner.message : undefined,
    requestId: typeof inner.innerError?.['request-id'] === 'string' ? (inner.innerError['request-id'] as string) : undefined,
    target: typeof inner.target === 'string' ? inner.target : undefined,
  };
}
