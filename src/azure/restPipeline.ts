// A JSON-over-HTTPS caller on @azure/core-rest-pipeline, for the calls that have no fitting SDK client (Microsoft
// Graph, ARM permissions) or whose SDK would cost more than it gives (one paged list: virtual networks, resource
// groups). It is the same pipeline the ARM SDK clients use: bearer-token policy, retries that honour Retry-After on
// 429/503, redirects, proxy support, and our request log.
import type { TokenCredential } from '@azure/core-auth';
import {
  bearerTokenAuthenticationPolicy,
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest,
  RestError,
  type HttpClient,
  type HttpMethods,
  type Pipeline,
} from '@azure/core-rest-pipeline';
import { trimTrailingSlashes } from '../identity/resourceIds';
import { UntrustedEndpointError } from '../identity/serviceError';
import type { CloudEndpoints } from './cloud';
import { sharedHttpClient } from './connectionPool';
import { requestLogPolicy, type Logger } from './logger';
import { renewableCredential, renewTokenOnUnauthorizedPolicy } from './renewableCredential';

export interface JsonResponse {
  status: number;
  headers: { get(name: string): string | undefined };
  body: unknown;
}

export interface JsonRequestOptions {
  headers?: Record<string, string>;
  body?: unknown;
  signal?: AbortSignal;
}

export interface JsonPipeline {
  /** Sends a request; throws a RestError (code and message from the `{error:{code,message}}` body) on 4xx/5xx, and an
   *  UntrustedEndpointError (sending nothing) for a URL outside the allowed origin. */
  send(method: HttpMethods, url: string, options?: JsonRequestOptions): Promise<JsonResponse>;
}

export interface JsonPipelineOptions {
  credential: TokenCredential;
  scope: string;
  logger: Logger;
  /** Only URLs under this endpoint get a token (a nextLink pointing elsewhere is refused). */
  allowedOrigin: string;
  httpClient?: HttpClient;
}

export function createJsonPipeline(options: JsonPipelineOptions): JsonPipeline {
  const pipeline: Pipeline = createPipelineFromOptions({ userAgentOptions: { userAgentPrefix: 'vscode-azure-vm-identities' } });
  const credential = renewableCredential(options.credential);
  pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential, scopes: [options.scope] }));
  pipeline.addPolicy(renewTokenOnUnauthorizedPolicy(credential, options.scope), { phase: 'Retry' });
  pipeline.addPolicy(requestLogPolicy(options.logger), { phase: 'Retry' });
  const httpClient = options.httpClient ?? sharedHttpClient();
  const allowedPrefix = `${trimTrailingSlashes(options.allowedOrigin)}/`.toLowerCase();

  return {
    async send(method, url, { headers, body, signal } = {}) {
      if (!url.toLowerCase().startsWith(allowedPrefix)) {
        // Never hand a token to a host the cloud configuration did not name (e.g. a nextLink pointing elsewhere).
        throw new UntrustedEndpointError(new URL(url).origin, allowedPrefix);
      }
      const request = createPipelineRequest({
        url,
        method,
        headers: createHttpHeaders({ accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers }),
        body: body !== undefined ? JSON.stringify(body) : undefined,
        abortSignal: signal,
      });
      const response = await pipeline.sendRequest(httpClient, request);
      let parsed: unknown;
      if (response.bodyAsText) {
        try {
          parsed = JSON.parse(response.bodyAsText);
        } catch {
          parsed = response.bodyAsText;
        }
      }
      if (response.status >= 400) {
        const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
        throw new RestError(error?.message ?? `Unexpected status code: ${response.status}`, {
          code: error?.code,
          statusCode: response.status,
          request,
          response,
        });
      }
      return { status: response.status, headers: { get: (name) => response.headers.get(name) }, body: parsed };
    },
  };
}

/** GETs every page of a `{ value: [...], <nextLinkProperty>: url }` list, sending the same headers on each page. */
export async function followPages<T>(
  pipeline: JsonPipeline,
  firstUrl: string,
  nextLinkProperty: 'nextLink' | '@odata.nextLink',
  options: JsonRequestOptions = {},
): Promise<T[]> {
  const items: T[] = [];
  let url: string | undefined = firstUrl;
  while (url) {
    const page = (await pipeline.send('GET', url, options)).body as Record<string, unknown> | undefined;
    items.push(...((page?.value as T[] | undefined) ?? []));
    url = typeof page?.[nextLinkProperty] === 'string' ? (page[nextLinkProperty] as string) : undefined;
  }
  return items;
}

/** Every item of one of a subscription's ARM lists (`path` below /subscriptions/{id}), page by page. */
export type SubscriptionLister = <T>(path: string, apiVersion: string, options?: JsonRequestOptions) => Promise<T[]>;

/** A subscription's ARM lists through one JSON pipeline (virtual networks, resource groups): one GET per page. */
export function createSubscriptionLister(cloud: CloudEndpoints, credential: TokenCredential, subscriptionId: string, logger: Logger): SubscriptionLister {
  const root = `${trimTrailingSlashes(cloud.resourceManagerEndpoint)}/subscriptions/${encodeURIComponent(subscriptionId)}`;
  const pipeline = createJsonPipeline({ credential, scope: cloud.resourceManagerScope, logger, allowedOrigin: cloud.resourceManagerEndpoint });
  return (path, apiVersion, options) => followPages(pipeline, `${root}/${path}?api-version=${apiVersion}`, 'nextLink', options);
}
