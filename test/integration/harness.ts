// Shared by the integration tests: a fake Azure, and the extension's own sign-in, clients and operations module
// pointed at it exactly as a user would configure them (service principal from the environment, endpoints from
// AZURE_RESOURCE_MANAGER_ENDPOINT / AZURE_GRAPH_ENDPOINT / AZURE_AUTHORITY_HOST).
import assert from 'node:assert/strict';
import { createServicePrincipalAccount, type AzureAccount } from '../../src/azure/account';
import type { Logger } from '../../src/azure/logger';
import { resolveCloud, type ServicePrincipalEnvironment } from '../../src/azure/settings';
import { IdentityError } from '../../src/identity/identityError';
import { IdentityOperations, type IdentityOperationsOptions } from '../../src/identity/operations';
import type { IdentityHostRef, OperationOptions, ScaleSetRef, Subscription, VirtualMachine, VmRef } from '../../src/identity/model';
import { VM_IMAGES, type CreateVirtualMachineRequest } from '../../src/identity/newVirtualMachine';
import type { AzureClientProvider, SubscriptionClients, VirtualMachinesClient } from '../../src/identity/ports';
import { virtualMachineId } from '../../src/identity/resourceIds';
import type { FakeAzureOptions, RunningFakeAzure } from '../fake-azure/server';
import { demo, demoSeed } from '../fake-azure/demo';
import { startFakeAzureForTests } from '../fake-azure/testing';
import type { SeedPrincipal } from '../fake-azure/types';

const seed = demoSeed;

export { demo };

/** A VM of the demo seed by name. */
export function vm(name: string): VmRef {
  const found = seed.virtualMachines.find((v) => v.name === name);
  if (!found) throw new Error(`The demo seed has no VM ${name}.`);
  return { kind: 'virtualMachine', subscriptionId: found.subscriptionId, resourceGroup: found.resourceGroup, name, id: virtualMachineId(found.subscriptionId, found.resourceGroup, name) };
}

/** A scale set of the demo seed by name. */
export function scaleSet(name: string): ScaleSetRef {
  const found = (seed.virtualMachineScaleSets ?? []).find((s) => s.name === name);
  if (!found) throw new Error(`The demo seed has no scale set ${name}.`);
  const id = `/subscriptions/${found.subscriptionId}/resourceGroups/${found.resourceGroup}/providers/Microsoft.Compute/virtualMachineScaleSets/${name}`;
  return { kind: 'virtualMachineScaleSet', subscriptionId: found.subscriptionId, resourceGroup: found.resourceGroup, name, id };
}

/** The fake's live scale set by name. */
export function stateScaleSet(fake: RunningFakeAzure, name: string) {
  const found = (fake.getState().virtualMachineScaleSets ?? []).find((s) => s.name === name);
  if (!found) throw new Error(`No scale set ${name} in the fake's state.`);
  return found;
}

export function uaiId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
}

export const ids = {
  backend: uaiId(demo.production, 'rg-web', 'id-backend'),
  storage: uaiId(demo.production, 'rg-web', 'id-storage'),
  monitor: uaiId(demo.production, 'rg-data', 'id-monitor'),
  deploy: uaiId(demo.development, 'rg-identities', 'id-deploy'),
};

/** A Create VM request for the demo seed: Ubuntu in rg-web on vnet-web's backend subnet, with a system-assigned
 *  identity and id-backend, signing in with an SSH key; `overrides` change any of it. */
export function newVmRequest(overrides: Partial<CreateVirtualMachineRequest> = {}): CreateVirtualMachineRequest {
  return {
    subscriptionId: demo.production,
    resourceGroup: 'rg-web',
    name: 'vm-new-01',
    location: 'eastus',
    image: VM_IMAGES[0]!,
    vmSize: 'Standard_B2s',
    adminUsername: 'azureuser',
    credential: { kind: 'sshPublicKey', publicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHk2bW9ja2tleWZvcnRlc3Rz me@laptop' },
    subnetId: `/subscriptions/${demo.production}/resourceGroups/rg-web/providers/Microsoft.Network/virtualNetworks/vnet-web/subnets/backend`,
    systemAssigned: true,
    userAssignedIdentityIds: [ids.backend],
    ...overrides,
  };
}

/** A Windows VM request (it sends the password): what the secret scans look for. */
export function newWindowsVmRequest(password: string, overrides: Partial<CreateVirtualMachineRequest> = {}): CreateVirtualMachineRequest {
  return newVmRequest({ image: VM_IMAGES.find((image) => image.osType === 'Windows')!, credential: { kind: 'password', password }, userAssignedIdentityIds: [], ...overrides });
}

/** A logger that keeps every line, to check what reaches the log. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const add = (level: string) => (message: string) => lines.push(`${level}: ${message}`);
  return { lines, trace: add('trace'), debug: add('debug'), info: add('info'), warn: add('warn'), error: add('error') };
}

/** The environment a user would set to sign in as a seed principal against this fake. */
export function environmentFor(fake: Pick<RunningFakeAzure, 'info'>, who: SeedPrincipal = demo.admin): ServicePrincipalEnvironment {
  return {
    AZURE_TENANT_ID: who.tenantId,
    AZURE_CLIENT_ID: who.appId,
    AZURE_CLIENT_SECRET: who.secret,
    AZURE_AUTHORITY_HOST: fake.info.authorityHost,
    AZURE_RESOURCE_MANAGER_ENDPOINT: fake.info.resourceManagerEndpoint,
    AZURE_GRAPH_ENDPOINT: fake.info.graphEndpoint,
  };
}

export interface SignedIn {
  account: AzureAccount;
  ops: IdentityOperations;
  logger: Logger & { lines: string[] };
}

/** Signs in through the extension's own code path (settings -> cloud -> service principal account). */
export function signInAs(fake: Pick<RunningFakeAzure, 'info'>, who: SeedPrincipal = demo.admin, settings: IdentityOperationsOptions = { retryDelayMs: () => 50 }): SignedIn {
  const logger = recordingLogger();
  const env = environmentFor(fake, who);
  const { cloud } = resolveCloud({ method: 'servicePrincipal', warnings: [] }, env);
  const account = createServicePrincipalAccount(env, cloud, logger);
  return { account, ops: new IdentityOperations(account.clients, settings), logger };
}

/** What the tree loads when every subscription is expanded: the subscriptions, then each one's VMs concurrently. */
export async function loadTree(ops: IdentityOperations, options?: OperationOptions): Promise<{ subscription: Subscription; virtualMachines: VirtualMachine[] }[]> {
  const subscriptions = await ops.listSubscriptions(options);
  return Promise.all(subscriptions.map(async (subscription) => ({ subscription, virtualMachines: await ops.listVirtualMachines(subscription.subscriptionId, options) })));
}

/** A fake for these tests. Long-running operations answer Retry-After: 1, and the SDK's poller waits what the
 *  server says (it ignores 0 and then waits its default 2 s), so each identity write takes about a second. */
export async function startFake(options: FakeAzureOptions = {}): Promise<RunningFakeAzure> {
  return startFakeAzureForTests(options);
}

/** The fake's live VM by name. */
export function stateVm(fake: RunningFakeAzure, name: string) {
  const found = fake.getState().virtualMachines.find((v) => v.name === name);
  if (!found) throw new Error(`No VM ${name} in the fake's state.`);
  return found;
}

/** Requests that changed something (anything but GET), ignoring the token service. */
export function writes(fake: RunningFakeAzure) {
  return fake.requests().filter((r) => r.method !== 'GET' && !r.path.startsWith('/login'));
}

/** Asserts that the promise rejects with an IdentityError, then runs more checks on it. */
export async function rejectsWith(promise: Promise<unknown>, check: (error: IdentityError) => void): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof IdentityError, `expected an IdentityError, got ${String(error)}`);
    check(error);
    return true;
  });
}

// ---------- Clients with a hook: another window's write between an operation's read and its write ----------

/** A copy of a client whose methods stay bound to it: the SDK-backed clients are class instances, whose prototype
 *  methods a spread would lose. */
export function boundClient<T extends object>(client: T): T {
  const copy: Record<string, unknown> = {};
  for (let level: object | null = client; level && level !== Object.prototype; level = Object.getPrototypeOf(level)) {
    for (const key of Object.getOwnPropertyNames(level)) {
      if (key === 'constructor' || key in copy) continue;
      const value = (client as Record<string, unknown>)[key];
      copy[key] = typeof value === 'function' ? value.bind(client) : value;
    }
  }
  return copy as T;
}

/** A provider over the session's clients in which `adjust` replaces some of each subscription's clients. The identity
 *  client of a host kind follows a replaced VM or scale-set client, as the real provider's does. */
export function providerWith(base: SignedIn, adjust: (clients: SubscriptionClients) => Partial<SubscriptionClients>): AzureClientProvider {
  return {
    listSubscriptions: (options) => base.account.clients.listSubscriptions(options),
    async forSubscription(id, options) {
      const clients = await base.account.clients.forSubscription(id, options);
      const adjusted = adjust(clients);
      const identityHosts = {
        ...clients.identityHosts,
        ...(adjusted.virtualMachines ? { virtualMachine: adjusted.virtualMachines } : {}),
        ...(adjusted.scaleSets ? { virtualMachineScaleSet: adjusted.scaleSets } : {}),
      };
      return { ...clients, ...adjusted, identityHosts };
    },
  };
}

/** The VM client with each read passed through `onRead` (to let another window write after it, or to change it). */
export function vmReadsThrough(
  client: VirtualMachinesClient,
  onRead: (read: VirtualMachine, ref: IdentityHostRef) => Promise<VirtualMachine>,
): VirtualMachinesClient {
  const bound = boundClient(client);
  return { ...bound, get: async (ref, options) => onRead(await bound.get(ref, options), ref) };
}

/** The client with `before` awaited just before each call of `method` is sent. With `once`, another window's write
 *  lands between this operation's read and its write. */
export function beforeCall<T extends object>(client: T, method: keyof T & string, before: () => Promise<unknown>): T {
  const bound = boundClient(client) as Record<string, unknown>;
  const original = bound[method] as (...args: unknown[]) => Promise<unknown>;
  bound[method] = async (...args: unknown[]) => {
    await before();
    return original(...args);
  };
  return bound as T;
}

/** `action` run the first time only; later calls wait for that run. */
export function once(action: () => Promise<unknown>): () => Promise<unknown> {
  let run: Promise<unknown> | undefined;
  return () => (run ??= action());
}
