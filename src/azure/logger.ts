// One small logger (no `vscode`): the extension wires it to a LogOutputChannel, tests to an array.
// Requests are logged as method, URL, status, duration and request id. Headers and bodies are not logged at all,
// so Authorization headers and tokens cannot reach the log; redactSecrets() guards the rest.
import type { PipelinePolicy, PipelineRequest } from '@azure/core-rest-pipeline';
import { redactSecrets } from '../identity/redact';

export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** Wraps a logger so every message goes through redactSecrets first. */
export function redactingLogger(inner: Logger): Logger {
  return {
    trace: (m) => inner.trace(redactSecrets(m)),
    debug: (m) => inner.debug(redactSecrets(m)),
    info: (m) => inner.info(redactSecrets(m)),
    warn: (m) => inner.warn(redactSecrets(m)),
    error: (m) => inner.error(redactSecrets(m)),
  };
}

export const REQUEST_LOG_POLICY_NAME = 'azureVmIdentitiesRequestLog';

/** How many times each request was sent, counted by the per-retry log policy (the retry policy resends the same
 *  request object), so a failure can say how often it was tried. */
const attemptsByRequest = new WeakMap<PipelineRequest, number>();

/** How many times the request was sent through a pipeline with {@link requestLogPolicy}; 0 if never. */
export function attemptsMade(request: PipelineRequest): number {
  return attemptsByRequest.get(request) ?? 0;
}

/**
 * A pipeline policy that logs each attempt (placed per retry): `PATCH https://…/vm-web-01?api-version=… -> 200
 * (123 ms, request id …)`. 4xx/5xx answers log at warn level with the service's error code.
 */
export function requestLogPolicy(logger: Logger): PipelinePolicy {
  return {
    name: REQUEST_LOG_POLICY_NAME,
    async sendRequest(request, next) {
      attemptsByRequest.set(request, attemptsMade(request) + 1);
      const started = Date.now();
      const target = `${request.method} ${describeUrl(request.url)}`;
      try {
        const response = await next(request);
        const requestId =
          response.headers.get('x-ms-request-id') ?? response.headers.get('request-id') ?? response.headers.get('x-ms-correlation-request-id');
        const line = `${target} -> ${response.status} (${Date.now() - started} ms${requestId ? `, request id ${requestId}` : ''})`;
        if (response.status >= 400) {
          logger.warn(`${line}${errorCode(response.bodyAsText)}`);
        } else {
          logger.debug(line);
        }
        return response;
      } catch (error) {
        logger.warn(`${target} failed after ${Date.now() - started} ms: ${error instanceof Error ? error.message : String(error)}`);
        throw error;
      }
    },
  };
}

/** The URL without anything secret-looking in its query. */
function describeUrl(url: string): string {
  return redactSecrets(url);
}

function errorCode(bodyAsText: string | null | undefined): string {
  if (!bodyAsText) {
    return '';
  }
  try {
    const code = (JSON.parse(bodyAsText) as { error?: { code?: unknown } }).error?.code;
    return typeof code === 'string' ? ` ${code}` : '';
  } catch {
    return '';
  }
}
