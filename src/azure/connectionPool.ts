// One keep-alive connection pool for every call to Azure: each HttpClient of @azure/core-rest-pipeline keeps its own
// https.Agent, so an SDK client built without one opens its own connections (one TLS handshake per subscription's set
// of clients). Every ARM SDK client, REST pipeline and the service principal's token requests share this one instead.
import { createDefaultHttpClient, type HttpClient } from '@azure/core-rest-pipeline';

let shared: HttpClient | undefined;

/** The HttpClient (and so the keep-alive https.Agent) every Azure client of the extension sends through. */
export function sharedHttpClient(): HttpClient {
  return (shared ??= createDefaultHttpClient());
}
