// Shared by the fake's tests: the demo seed's names, and real Azure SDK clients pointed at a running fake.
import { after, before, beforeEach } from 'node:test';
import { ClientSecretCredential } from '@azure/identity';
import { ComputeManagementClient } from '@azure/arm-compute';
import { ManagedServiceIdentityClient } from '@azure/arm-msi';
import { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import { ResourceManagementClient } from '@azure/arm-resources';
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import type { FakeAzureOptions, RunningFakeAzure } from '../server';
import { startFakeAzureForTests } from '../testing';
import { demo } from '../demo';
import type { SeedPrincipal } from '../types';

export { demo };

export function uaiId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
}

export function credentialFor(fake: RunningFakeAzure, who: SeedPrincipal = demo.admin): ClientSecretCredential {
  return new ClientSecretCredential(who.tenantId, who.appId!, who.secret!, { authorityHost: fake.info.authorityHost, disableInstanceDiscovery: true });
}

/** The SDK clients the extension uses, each with `endpoint` and scopes pointing at the fake. */
export function clientsFor(fake: RunningFakeAzure, who: SeedPrincipal = demo.admin, subscriptionId: string = demo.production) {
  const credential = credentialFor(fake, who);
  const endpoint = fake.info.url;
  const scope = `${fake.info.url}/.default`;
  return {
    credential,
    compute: new ComputeManagementClient(credential, subscriptionId, { endpoint, credentials: { scopes: [scope] } }),
    msi: new ManagedServiceIdentityClient(credential, subscriptionId, { endpoint, credentialScopes: [scope] }),
    subscriptions: new SubscriptionClient(credential, { endpoint, credentialScopes: [scope] }),
    resources: new ResourceManagementClient(credential, subscriptionId, { endpoint, credentials: { scopes: [scope] } }),
    authorization: new AuthorizationManagementClient(credential, subscriptionId, { endpoint, credentialScopes: [scope] }),
  };
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const result: T[] = [];
  for await (const item of items) result.push(item);
  return result;
}

export function decodeJwt(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** A raw HTTPS call to the fake (for what the SDK cannot express: no token, bad token, no api-version). */
export async function rawFetch(fake: RunningFakeAzure, path: string, init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const response = await fetch(`${fake.info.url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.token ? { Authorization: `Bearer ${init.token}` } : {}),
      ...(init.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...(init.headers ?? {}),
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as any) : undefined };
}

export async function armToken(fake: RunningFakeAzure, who: SeedPrincipal = demo.admin): Promise<string> {
  return (await credentialFor(fake, who).getToken(`${fake.info.url}/.default`))!.token;
}

/** The error an SDK call rejects with (fails the test when it resolves). */
export async function rejection(promise: PromiseLike<unknown>): Promise<{ statusCode?: number; code?: string; message: string }> {
  try {
    await promise;
  } catch (e) {
    return e as { statusCode?: number; code?: string; message: string };
  }
  throw new Error('Expected the call to fail, but it succeeded.');
}

/** Starts one fake for the enclosing describe, resets it to the seed before each test and stops it after all. */
export function useFakeAzure(options: FakeAzureOptions = {}): () => RunningFakeAzure {
  let fake: RunningFakeAzure | undefined;
  before(async () => {
    fake = await startFakeAzureForTests(options);
  });
  beforeEach(() => fake!.reset());
  after(() => fake?.stop());
  return () => fake!;
}
