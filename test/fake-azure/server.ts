// The fake Azure: one HTTPS server on loopback serving ARM at the root, Microsoft Graph under /graph and a
// Microsoft Entra token service under /login (and at the root, for MSAL's multi-tenant sign-in), plus loopback-only control routes under /_control.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import type { Caller, FakeAzureInfo, FakeRequest, FakeResponse, FakeState, FaultRule, Seed } from './types';
import { loadSeed, stateFromSeed } from './state';
import { authorizationFailed } from './rbac';
import { armError, checkRoleAssignments, handleArmRequest, type ArmContext, type LroOperation } from './arm';
import { armAuthenticationFailure, checkBearerToken, entraAuthorityPrefix, entraError, graphAuthenticationFailure, handleLoginRequest, TokenService, type TokenClaims } from './auth';
import { graphErrorBody, handleGraphRequest } from './graph';
import { RunCommandRuntime } from './runCommand';
import { browserUserControl, SignInSessions } from './authorize';

export const certsDir = join(__dirname, 'certs');
export const caFile = join(certsDir, 'ca.pem');

export interface FakeAzureOptions {
  port?: number;
  seed?: string | Seed;
  latencyMs?: number;
  lroPolls?: number;
  pageSize?: number;
  faults?: FaultRule[];
  log?: (line: string) => void;
  /** Retry-After (seconds) on long-running answers; the SDK waits this long between polls. Default 1. */
  retryAfterSeconds?: number;
  /** Seconds after its creation during which a managed identity's principal is not found by role-assignment writes
   *  (PrincipalNotFound, directory replication). Default 0. */
  principalReplicationSeconds?: number;
  /** Resource Graph answers from the state as it was this many milliseconds ago (ARG lags ARM). Default 0: at once. */
  resourceGraphLagMs?: number;
  /** Whether Resource Graph answers: 'available' (default), 'forbidden' (403, e.g. a policy or a custom role without
   *  Microsoft.ResourceGraph/resources/read) or 'absent' (404, as in clouds without it: some sovereign ones, Azure Stack). */
  resourceGraph?: ResourceGraphMode;
}

export type ResourceGraphMode = 'available' | 'forbidden' | 'absent';
const resourceGraphModes: readonly ResourceGraphMode[] = ['available', 'forbidden', 'absent'];

export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  /** A Graph request's `$search` and `$filter` as the fake decoded them (search texts, never a secret): what a test
   *  checks to see that a typed search reached Graph exactly as typed. */
  graphQuery?: { search?: string; filter?: string };
  /** Milliseconds the fake spent answering (reading the body, checking the token, the handler, writing the answer),
   *  without the injected latency or delay faults: what a benchmark subtracts from the measured time. */
  serviceMs: number;
  /** When the request arrived and when its answer was handed to the socket, as epoch milliseconds with fractions
   *  (performance.timeOrigin + performance.now()): the bench lines them up with the client's own clock. */
  receivedAt?: number;
  answeredAt?: number;
}

export interface RunningFakeAzure {
  info: FakeAzureInfo;
  stop(): Promise<void>;
  /** A deep copy of the live state. */
  getState(): FakeState;
  /** Back to the seed: state, running operations, faults and the request log. */
  reset(): void;
  addFaults(rules: FaultRule[]): void;
  clearFaults(): void;
  requests(): LoggedRequest[];
  /** TLS connections the server accepted since it started or was last reset: each one is a full handshake. */
  connections(): number;
  /** Makes Resource Graph available, forbidden or absent (see FakeAzureOptions) until reset() restores the started mode. */
  setResourceGraphMode(mode: ResourceGraphMode): void;
  /** Changes the principal replication delay (see FakeAzureOptions) until reset() restores the started value. */
  setPrincipalReplicationSeconds(seconds: number): void;
  /** A token signed by this fake for a seed principal, for tests of expired or wrong-audience tokens. */
  mintToken(principalId: string, audience: string, overrides?: Partial<TokenClaims>): string;
}

interface ActiveFault {
  rule: FaultRule;
  pattern: RegExp;
  remaining: number; // Infinity for times: 0
}

const loopbackAddresses = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** Milliseconds to a hundredth: finer than any latency worth measuring, short in the log. */
function roundMs(ms: number): number {
  return Math.round(ms * 100) / 100;
}

function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const defaultErrorCodes: Record<number, [string, string]> = {
  429: ['TooManyRequests', 'The request is being throttled as the limit has been reached for operation type. Please retry after the time given in Retry-After.'],
  500: ['InternalServerError', 'An unexpected error occured while processing the request.'],
  503: ['ServiceUnavailable', 'The service is temporarily unavailable. Please retry later.'],
};

const controlRoutes = ['GET /_control/state', 'POST /_control/reset', 'POST /_control/faults', 'DELETE /_control/faults', 'GET /_control/requests',
  'GET|POST /_control/browser-user', 'PUT /_control/principal-replication', 'GET /_control/connections', 'PUT /_control/resource-graph'];

function checkResourceGraphMode(value: unknown): ResourceGraphMode {
  if (!resourceGraphModes.includes(value as ResourceGraphMode)) throw new Error(`The Resource Graph mode must be one of ${resourceGraphModes.join(', ')}, not ${JSON.stringify(value)}.`);
  return value as ResourceGraphMode;
}

/** Resource Graph's answer when the fake plays a cloud that refuses it (403) or has none (404), before any query is read. */
function resourceGraphRefusal(mode: ResourceGraphMode, caller: Caller): FakeResponse | undefined {
  if (mode === 'forbidden') return authorizationFailed(caller, 'Microsoft.ResourceGraph/resources/read', '/providers/Microsoft.ResourceGraph');
  if (mode === 'absent') return armError(404, 'InvalidResourceNamespace', "The resource namespace 'Microsoft.ResourceGraph' is invalid.");
  return undefined;
}

function checkReplicationSeconds(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error(`principalReplicationSeconds must be a number of 0 or more, not ${JSON.stringify(value)}.`);
  return value;
}

const faultKinds: readonly FaultRule['kind'][] = ['status', 'drop', 'delay', 'lroFailed', 'lroNeverEnds'];

/** The rule's path as a regular expression, or an error that says what is wrong with the rule. */
function checkFaultRule(rule: FaultRule): RegExp {
  const problem = (why: string) => new Error(`Invalid fault rule ${JSON.stringify(rule)}: ${why}`);
  if (!rule || typeof rule !== 'object' || Array.isArray(rule)) throw problem('it must be an object.');
  if (!faultKinds.includes(rule.kind)) throw problem(`kind must be one of ${faultKinds.join(', ')}.`);
  if (typeof rule.path !== 'string') throw problem('it needs a path (a regular expression).');
  const wholeNumber = (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value >= 0;
  if (rule.method !== undefined && (typeof rule.method !== 'string' || !/^[A-Za-z]+$/.test(rule.method))) throw problem('method must be an HTTP method.');
  if (rule.status !== undefined && !(wholeNumber(rule.status) && rule.status >= 400 && rule.status <= 599)) throw problem('status must be a whole number from 400 to 599.');
  if (rule.times !== undefined && !wholeNumber(rule.times)) throw problem('times must be a whole number (0 = every matching request).');
  if (rule.retryAfterSeconds !== undefined && !wholeNumber(rule.retryAfterSeconds)) throw problem('retryAfterSeconds must be a whole number.');
  if (rule.delayMs !== undefined && !wholeNumber(rule.delayMs)) throw problem('delayMs must be a whole number.');
  for (const key of ['errorCode', 'errorMessage'] as const) {
    if (rule[key] !== undefined && typeof rule[key] !== 'string') throw problem(`${key} must be a string.`);
  }
  try {
    return new RegExp(rule.path, 'i');
  } catch (e) {
    throw problem(`path is not a regular expression (${(e as Error).message}).`);
  }
}

/** A fault rule's `status` answer in the shape of the face it hits: Entra for /login, Graph for /graph, else ARM. */
function faultAnswer(rule: FaultRule, path: string, requestId: string, clientRequestId: string): FakeResponse {
  const status = rule.status ?? 503;
  const headers: Record<string, string> = rule.retryAfterSeconds !== undefined ? { 'Retry-After': String(rule.retryAfterSeconds) } : {};
  if (entraAuthorityPrefix(path) !== undefined) {
    const error = rule.errorCode ?? (status === 500 ? 'server_error' : 'temporarily_unavailable');
    // AADSTS90033 is Entra's transient-error code.
    return { ...entraError(status, error, 90033, rule.errorMessage ?? 'A transient error has occurred. Please try again.', requestId), headers };
  }
  if (path === '/graph' || path.startsWith('/graph/')) {
    const [code, message] = graphFaultCodes[status] ?? ['generalException', `The fake Azure answered ${status} by a fault rule.`];
    return { status, headers, body: graphErrorBody(rule.errorCode ?? code, rule.errorMessage ?? message, requestId, clientRequestId) };
  }
  const [code, message] = defaultErrorCodes[status] ?? ['FaultInjected', `The fake Azure answered ${status} by a fault rule.`];
  return { status, headers, body: { error: { code: rule.errorCode ?? code, message: rule.errorMessage ?? message } } };
}

const graphFaultCodes: Record<number, [string, string]> = {
  429: ['TooManyRequests', 'Too many requests.'],
  500: ['generalException', 'An unspecified error has occurred.'],
  503: ['serviceNotAvailable', 'The service is temporarily unavailable. Please try again later.'],
};

/** The live state as the control route shows it: principals' secrets replaced. */
function redactedState(state: FakeState): FakeState {
  return { ...state, principals: state.principals.map((p) => (p.secret === undefined ? p : { ...p, secret: '<redacted>' })) };
}

export async function startFakeAzure(options: FakeAzureOptions = {}): Promise<RunningFakeAzure> {
  const seed = loadSeed(options.seed);
  let state = stateFromSeed(seed);
  checkRoleAssignments(state);
  const latencyMs = options.latencyMs ?? 0;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  let faults: ActiveFault[] = [];
  let requestLog: LoggedRequest[] = [];
  // With a Resource Graph lag: copies of the state after each ARM write, oldest first (the first one the seed's).
  const resourceGraphLagMs = options.resourceGraphLagMs ?? 0;
  let stateHistory: { at: number; state: FakeState }[] = resourceGraphLagMs > 0 ? [{ at: -Infinity, state: structuredClone(state) }] : [];
  const resourceGraphState = (): FakeState => {
    if (resourceGraphLagMs <= 0) return state;
    const cutoff = Date.now() - resourceGraphLagMs;
    // The newest copy old enough to be indexed; older ones are no longer needed.
    let visible = 0;
    while (visible + 1 < stateHistory.length && stateHistory[visible + 1]!.at <= cutoff) visible += 1;
    stateHistory = stateHistory.slice(visible);
    return stateHistory[0]!.state;
  };
  const sockets = new Set<Socket>();
  const rateLimit = { reads: 12000, writes: 1200, windowStart: Date.now() };
  let principalReplicationSeconds = checkReplicationSeconds(options.principalReplicationSeconds ?? 0);
  let resourceGraphMode = checkResourceGraphMode(options.resourceGraph ?? 'available');
  let tlsConnections = 0;

  const addFaults = (rules: FaultRule[]) => {
    // All or nothing: one bad rule in a list adds none.
    const checked = rules.map((rule) => ({ rule, pattern: checkFaultRule(rule) }));
    for (const { rule, pattern } of checked) faults.push({ rule, pattern, remaining: rule.times === 0 ? Infinity : (rule.times ?? 1) });
  };
  addFaults(options.faults ?? []);

  const takeFault = (method: string, path: string, kinds: FaultRule['kind'][]): FaultRule | undefined => {
    const active = faults.find((f) => f.remaining > 0 && kinds.includes(f.rule.kind) &&
      (!f.rule.method || f.rule.method.toUpperCase() === method) && f.pattern.test(path));
    if (!active) return undefined;
    active.remaining -= 1;
    return active.rule;
  };

  const server: Server = createServer({ cert: readFileSync(join(certsDir, 'server.pem')), key: readFileSync(join(certsDir, 'server-key.pem')) });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('The fake Azure could not learn its own port.');
  const url = `https://127.0.0.1:${address.port}`;
  const authorityHost = `${url}/login`;
  const resourceManagerEndpoint = `${url}/`;
  const graphEndpoint = `${url}/graph`;
  const tokens = new TokenService(authorityHost, { arm: resourceManagerEndpoint, graph: graphEndpoint });
  const operations = new Map<string, LroOperation>();
  const runCommands = new RunCommandRuntime(tokens);
  const signInSessions = new SignInSessions();
  const armContext = (): ArmContext => ({
    state,
    pageSize: options.pageSize ?? 50,
    lroPolls: options.lroPolls ?? 1,
    retryAfterSeconds: options.retryAfterSeconds ?? 1,
    operations,
    runCommands,
    principalReplicationSeconds,
    resourceGraphState,
    takeLroFault: (method, path) => {
      const rule = takeFault(method, path, ['lroFailed', 'lroNeverEnds']);
      if (!rule) return undefined;
      return { kind: rule.kind as 'lroFailed' | 'lroNeverEnds', ...(rule.errorCode ? { errorCode: rule.errorCode } : {}), ...(rule.errorMessage ? { errorMessage: rule.errorMessage } : {}) };
    },
  });
  const defaultPrincipal = seed.principals.find((p) => p.kind === 'ServicePrincipal' && p.appId && p.secret);
  if (!defaultPrincipal) throw new Error('The seed needs at least one service principal with an appId and a secret.');
  const info: FakeAzureInfo = {
    url,
    caFile,
    resourceManagerEndpoint,
    graphEndpoint,
    authorityHost,
    tenantId: defaultPrincipal.tenantId,
    clientId: defaultPrincipal.appId!,
    clientSecret: defaultPrincipal.secret!,
  };

  const clearOperations = () => {
    for (const op of operations.values()) clearTimeout(op.timer);
    operations.clear();
    runCommands.clear();
  };

  const reset = () => {
    state = stateFromSeed(seed);
    stateHistory = resourceGraphLagMs > 0 ? [{ at: -Infinity, state: structuredClone(state) }] : [];
    clearOperations();
    signInSessions.clear();
    faults = [];
    requestLog = [];
    principalReplicationSeconds = checkReplicationSeconds(options.principalReplicationSeconds ?? 0);
    resourceGraphMode = checkResourceGraphMode(options.resourceGraph ?? 'available');
    tlsConnections = 0;
  };

  /** Answers for /_control/...; undefined when the path is not a control route. */
  async function control(method: string, path: string, rawBody: string): Promise<FakeResponse> {
    if (method === 'GET' && path === '/_control/state') return { status: 200, body: redactedState(state) };
    if (method === 'POST' && path === '/_control/reset') {
      reset();
      return { status: 204 };
    }
    if (method === 'POST' && path === '/_control/faults') {
      try {
        const parsed = JSON.parse(rawBody) as FaultRule | FaultRule[];
        addFaults(Array.isArray(parsed) ? parsed : [parsed]);
        return { status: 204 };
      } catch (e) {
        return { status: 400, body: { error: { code: 'InvalidFault', message: (e as Error).message } } };
      }
    }
    if (method === 'DELETE' && path === '/_control/faults') {
      faults = [];
      return { status: 204 };
    }
    if (method === 'GET' && path === '/_control/requests') return { status: 200, body: requestLog };
    if (path === '/_control/browser-user') return browserUserControl(method, rawBody, state, signInSessions);
    if (method === 'PUT' && path === '/_control/principal-replication') {
      try {
        principalReplicationSeconds = checkReplicationSeconds((JSON.parse(rawBody) as { seconds?: unknown }).seconds);
        return { status: 200, body: { seconds: principalReplicationSeconds } };
      } catch (e) {
        return { status: 400, body: { error: { code: 'InvalidPrincipalReplication', message: `Send {"seconds": N}: ${(e as Error).message}` } } };
      }
    }
    if (method === 'GET' && path === '/_control/connections') return { status: 200, body: { tlsConnections } };
    if (method === 'PUT' && path === '/_control/resource-graph') {
      try {
        resourceGraphMode = checkResourceGraphMode((JSON.parse(rawBody) as { mode?: unknown }).mode);
        return { status: 200, body: { mode: resourceGraphMode } };
      } catch (e) {
        return { status: 400, body: { error: { code: 'InvalidResourceGraphMode', message: `Send {"mode": "available" | "forbidden" | "absent"}: ${(e as Error).message}` } } };
      }
    }
    if (method === 'GET' && path === '/_control') return { status: 200, body: { routes: controlRoutes } };
    return { status: 404, body: { error: { code: 'NotFound', message: `No control route ${method} ${path}. Routes: ${controlRoutes.join(', ')}.` } } };
  }

  async function answer(req: IncomingMessage, path: string, query: URLSearchParams, rawBody: string, requestId: string): Promise<FakeResponse> {
    const method = (req.method ?? 'GET').toUpperCase();
    const entraPrefix = entraAuthorityPrefix(path);
    if (entraPrefix !== undefined) {
      const form = new URLSearchParams(method === 'POST' ? rawBody : query);
      return handleLoginRequest(method, path.slice(entraPrefix.length), form, state, tokens, `${url}${entraPrefix}`, requestId, signInSessions);
    }
    const isGraph = path === '/graph' || path.startsWith('/graph/');
    let body: unknown;
    if (rawBody.length > 0) {
      try {
        body = JSON.parse(rawBody);
      } catch {
        return isGraph
          ? { status: 400, body: { error: { code: 'BadRequest', message: 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.' } } }
          : armError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
      }
    }
    if (!isGraph && !query.get('api-version')) {
      return armError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');
    }
    const authorization = req.headers.authorization;
    const check = checkBearerToken(authorization, isGraph ? graphEndpoint : resourceManagerEndpoint, state, tokens);
    if (!('caller' in check)) {
      return isGraph ? graphAuthenticationFailure(check, authorityHost, requestId) : armAuthenticationFailure(check, resourceManagerEndpoint, authorityHost);
    }
    const fakeRequest: FakeRequest = {
      method,
      path: isGraph ? path.slice('/graph'.length) : path,
      query,
      headers: req.headers,
      body,
      caller: check.caller,
      baseUrl: url,
    };
    if (isGraph) return handleGraphRequest(fakeRequest, state, { pageSize: options.pageSize ?? 50 });
    if (/^\/providers\/Microsoft\.ResourceGraph\//i.test(path)) {
      const refusal = resourceGraphRefusal(resourceGraphMode, check.caller);
      if (refusal) return refusal;
    }
    const armResponse = handleArmRequest(fakeRequest, armContext());
    if (resourceGraphLagMs > 0 && method !== 'GET' && method !== 'POST') stateHistory.push({ at: Date.now(), state: structuredClone(state) });
    return armResponse;
  }

  function send(res: ServerResponse, response: FakeResponse, requestId: string, extraHeaders: Record<string, string>) {
    const headers: Record<string, string> = { 'x-ms-request-id': requestId, 'x-ms-correlation-request-id': requestId, ...extraHeaders, ...(response.headers ?? {}) };
    if (response.html !== undefined) headers['Content-Type'] = 'text/html; charset=utf-8';
    else if (response.body !== undefined) headers['Content-Type'] = 'application/json; charset=utf-8';
    res.writeHead(response.status, headers);
    res.end(response.html ?? (response.body === undefined ? undefined : JSON.stringify(response.body)));
  }

  function rateLimitHeaders(method: string): Record<string, string> {
    if (Date.now() - rateLimit.windowStart > 60_000) Object.assign(rateLimit, { reads: 12000, writes: 1200, windowStart: Date.now() });
    if (method === 'GET') rateLimit.reads = Math.max(0, rateLimit.reads - 1);
    else rateLimit.writes = Math.max(0, rateLimit.writes - 1);
    return {
      'x-ms-ratelimit-remaining-subscription-reads': String(rateLimit.reads),
      'x-ms-ratelimit-remaining-subscription-writes': String(rateLimit.writes),
    };
  }

  server.on('secureConnection', () => {
    tlsConnections += 1;
  });

  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const started = Date.now();
      const receivedAt = roundMs(performance.timeOrigin + performance.now());
      // Service time is counted in pieces around the injected waits, never across them.
      let serviceStarted = performance.now();
      let serviceMs = 0;
      const method = (req.method ?? 'GET').toUpperCase();
      // A leading '//' (an SDK joining '/' with a scope or id that starts with '/') must stay a path, not become a host.
      const parsed = new URL((req.url ?? '/').replace(/^\/{2,}/, '/'), url);
      // Kept percent-encoded: each face decodes its own segments once. Double slashes come from clients joining
      // an endpoint that ends in '/' with a path that starts with one.
      const path = parsed.pathname.replace(/\/{2,}/g, '/');
      const requestId = randomUUID();
      const rawBody = await readBody(req);
      if (path === '/_control' || path.startsWith('/_control/')) {
        // Control routes change the fake itself: only this machine may use them, and they stay out of the request log.
        const response = loopbackAddresses.has(req.socket.remoteAddress ?? '')
          ? await control(method, path, rawBody)
          : { status: 403, body: { error: { code: 'Forbidden', message: 'Control routes answer only on loopback.' } } };
        send(res, response, requestId, {});
        return;
      }
      let response: FakeResponse;
      const fault = takeFault(method, path, ['status', 'drop', 'delay']);
      serviceMs += performance.now() - serviceStarted;
      await delay(latencyMs);
      if (fault?.kind === 'delay') await delay(fault.delayMs ?? 1000);
      serviceStarted = performance.now();
      if (fault?.kind === 'drop') {
        serviceMs = roundMs(serviceMs + performance.now() - serviceStarted);
        requestLog.push({ method, path, status: 0, serviceMs });
        log(`${method} ${path} dropped (fault) ${Date.now() - started}ms service ${serviceMs}ms`);
        req.socket.destroy();
        return;
      }
      if (fault?.kind === 'status') {
        const clientRequestId = req.headers['client-request-id'];
        response = faultAnswer(fault, path, requestId, typeof clientRequestId === 'string' ? clientRequestId : requestId);
      } else {
        try {
          response = await answer(req, path, parsed.searchParams, rawBody, requestId);
        } catch (e) {
          log(`fake-azure internal error on ${method} ${path}: ${(e as Error).stack ?? String(e)}`);
          response = armError(500, 'InternalServerError', 'The fake Azure failed while answering; see its log.');
        }
      }
      const isArm = !path.startsWith('/graph') && entraAuthorityPrefix(path) === undefined;
      send(res, response, requestId, isArm ? rateLimitHeaders(method) : {});
      serviceMs = roundMs(serviceMs + performance.now() - serviceStarted);
      const graphQuery = path.startsWith('/graph') ? graphQueryOf(parsed.searchParams) : undefined;
      requestLog.push({ method, path, status: response.status, serviceMs, receivedAt, answeredAt: roundMs(performance.timeOrigin + performance.now()), ...(graphQuery ? { graphQuery } : {}) });
      // The path only (and a Graph search's text): other query strings and headers (Authorization) never reach the log.
      log(`${method} ${path} ${response.status} ${Date.now() - started}ms service ${serviceMs}ms`);
    })().catch((e: unknown) => {
      log(`fake-azure failed on a request: ${(e as Error).message}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  return {
    info,
    stop: () =>
      new Promise<void>((resolve) => {
        clearOperations();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
    getState: () => structuredClone(state),
    reset,
    addFaults,
    clearFaults: () => {
      faults = [];
    },
    requests: () => requestLog.map((r) => ({ ...r })),
    connections: () => tlsConnections,
    setResourceGraphMode: (mode) => {
      resourceGraphMode = checkResourceGraphMode(mode);
    },
    setPrincipalReplicationSeconds: (seconds) => {
      principalReplicationSeconds = checkReplicationSeconds(seconds);
    },
    mintToken: (principalId, audience, overrides) => {
      const principal = state.principals.find((p) => p.id === principalId);
      if (!principal) throw new Error(`No principal ${principalId} in the seed.`);
      return tokens.mint(principal, audience, overrides);
    },
  };
}

/** `$search` and `$filter` of a Graph request, decoded; undefined when it has neither. */
function graphQueryOf(query: URLSearchParams): { search?: string; filter?: string } | undefined {
  const search = query.get('$search') ?? undefined;
  const filter = query.get('$filter') ?? undefined;
  return search === undefined && filter === undefined ? undefined : { ...(search !== undefined ? { search } : {}), ...(filter !== undefined ? { filter } : {}) };
}
