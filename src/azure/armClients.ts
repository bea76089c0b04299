// The ARM clients behind the ports in src/identity/ports.ts: thin wrappers over the Azure SDK that translate SDK models into
// the domain's model. Each is built from a cloud and a TokenCredential with an explicit endpoint and token scope, so
// it works unchanged against Azure, a sovereign cloud and the fake Azure.
import { setTimeout as sleep } from 'node:timers/promises';
// arm-compute's operation functions rather than its ComputeManagementClient, which builds every operation group and
// brings ~350 KB of code for other resources into the bundle. The two subpaths, which the package's exports do not
// list, are mapped in tsconfig.json (CommonJS, for tsc and tsx) and esbuild.mjs (ES modules, so only what is called
// is bundled).
import { createComputeManagement, type ComputeManagementContext } from '@azure/arm-compute/api';
import * as virtualMachines from '@azure/arm-compute/api/virtualMachines';
import * as virtualMachineScaleSets from '@azure/arm-compute/api/virtualMachineScaleSets';
import type {
  VirtualMachine as SdkVirtualMachine,
  VirtualMachineScaleSet as SdkVirtualMachineScaleSet,
  VirtualMachineScaleSetUpdate,
  VirtualMachineUpdate,
} from '@azure/arm-compute';
import { ManagedServiceIdentityClient } from '@azure/arm-msi';
import type { Identity as SdkIdentity } from '@azure/arm-msi';
import { getContinuationToken, SubscriptionClient } from '@azure/arm-resources-subscriptions';
import type { TokenCredential } from '@azure/core-auth';
import type {
  IdentityHostRef,
  IdentityType,
  Subscription,
  UserAssignedIdentity,
  VirtualMachine,
  VirtualMachineScaleSet,
  VmIdentity,
  VmRef,
} from '../identity/model';
import { sortBy } from '../identity/ordering';
import { parseResourceId, resourceGroupFromId, sameIgnoringSpacesAndCase } from '../identity/resourceIds';
import type { VirtualMachineBody } from '../identity/newVirtualMachine';
import type { CloudEndpoints } from './cloud';
import type {
  CallOptions,
  IdentityPatch,
  ScaleSetsClient,
  RunCommandClient,
  RunCommandInput,
  RunCommandStatus,
  UserAssignedIdentitiesClient,
  VirtualMachinesClient,
  SubscriptionListOptions,
  VmListOptions,
  WriteOptions,
} from '../identity/ports';
import { sharedHttpClient } from './connectionPool';
import { requestLogPolicy, type Logger } from './logger';
import { renewableCredential, renewTokenOnUnauthorizedPolicy, type RenewableCredential } from './renewableCredential';

/** Options every SDK client gets: where ARM is, which token scope, our request log and the shared connection pool.
 *  Both SDK generations (core-client `credentialScopes`/`$host`, and the newer `credentials.scopes`) are covered. */
export function armClientOptions(cloud: CloudEndpoints, logger: Logger, credential?: RenewableCredential) {
  return {
    endpoint: cloud.resourceManagerEndpoint,
    $host: cloud.resourceManagerEndpoint,
    credentialScopes: [cloud.resourceManagerScope],
    credentials: { scopes: [cloud.resourceManagerScope] },
    additionalPolicies: [
      ...(credential ? [{ policy: renewTokenOnUnauthorizedPolicy(credential, cloud.resourceManagerScope), position: 'perRetry' as const }] : []),
      { policy: requestLogPolicy(logger), position: 'perRetry' as const },
    ],
    userAgentOptions: { userAgentPrefix: 'vscode-azure-vm-identities' },
    httpClient: sharedHttpClient(),
  };
}

/** Every item of an SDK's paged list (it follows nextLink itself), mapped. */
async function collect<T, R>(items: AsyncIterable<T>, map: (item: T) => R): Promise<R[]> {
  const result: R[] = [];
  for await (const item of items) {
    result.push(map(item));
  }
  return result;
}

/** An answer as arm-compute's onResponse hands it over. */
interface RawAnswer {
  status: number;
  parsedBody?: unknown;
  bodyAsText?: string | null;
}

/**
 * arm-compute's pager throws "Pagination failed with unexpected statusCode 403" with Azure's error body dropped (only
 * its code survives), so the refused action and scope could not be named. The refused answer is kept through
 * onResponse and its body put back on the error, where toServiceError reads Azure's own message.
 */
async function withRefusedPageBody<T>(list: (onResponse: (answer: RawAnswer) => void) => Promise<T>): Promise<T> {
  let refused: RawAnswer | undefined;
  try {
    return await list((answer) => {
      if (answer.status >= 400) {
        refused = answer;
      }
    });
  } catch (error) {
    const response = (error as { response?: { parsedBody?: unknown; bodyAsText?: string } }).response;
    if (refused && response && response.parsedBody === undefined && !response.bodyAsText) {
      response.parsedBody = refused.parsedBody;
      response.bodyAsText = refused.bodyAsText ?? undefined;
    }
    throw error;
  }
}

/** A GET's resource, or undefined for 404 ResourceNotFound ("no such resource"); a missing resource group (or
 *  anything else) is an error. */
async function undefinedIfNotFound<T>(get: Promise<T>): Promise<T | undefined> {
  try {
    return await get;
  } catch (error) {
    const { statusCode, code } = error as { statusCode?: number; code?: string };
    if (statusCode === 404 && code !== 'ResourceGroupNotFound') {
      return undefined;
    }
    throw error;
  }
}

const IDENTITY_TYPES: IdentityType[] = ['None', 'SystemAssigned', 'UserAssigned', 'SystemAssigned, UserAssigned'];

/** ARM's identity type in its canonical spelling (ARM has answered 'SystemAssigned,UserAssigned' and lower case). */
export function normalizeIdentityType(type: string | undefined): IdentityType {
  if (!type) {
    return 'None';
  }
  return IDENTITY_TYPES.find((known) => sameIgnoringSpacesAndCase(known, type)) ?? 'None';
}

export function toVmIdentity(identity: SdkVirtualMachine['identity']): VmIdentity {
  const userAssignedIdentities: VmIdentity['userAssignedIdentities'] = {};
  for (const [id, value] of Object.entries(identity?.userAssignedIdentities ?? {})) {
    userAssignedIdentities[id] = { principalId: value?.principalId, clientId: value?.clientId };
  }
  const result: VmIdentity = { type: normalizeIdentityType(identity?.type), userAssignedIdentities };
  if (identity?.principalId) {
    result.principalId = identity.principalId;
  }
  if (identity?.tenantId) {
    result.tenantId = identity.tenantId;
  }
  return result;
}

function toVirtualMachine(vm: SdkVirtualMachine, subscriptionId: string): VirtualMachine {
  const id = vm.id ?? '';
  const parts = parseResourceId(id);
  return {
    kind: 'virtualMachine',
    id,
    name: vm.name ?? parts?.name ?? '',
    subscriptionId: parts?.subscriptionId ?? subscriptionId,
    resourceGroup: parts?.resourceGroup ?? resourceGroupFromId(id) ?? '',
    location: vm.location,
    identity: toVmIdentity(vm.identity),
    provisioningState: vm.provisioningState,
    etag: vm.etag,
    vmSize: vm.hardwareProfile?.vmSize,
    osType: vm.storageProfile?.osDisk?.osType,
    ...(vm.virtualMachineScaleSet?.id ? { scaleSetId: vm.virtualMachineScaleSet.id } : {}),
  };
}

export class ArmVirtualMachinesClient implements VirtualMachinesClient {
  private readonly compute: ComputeManagementContext;

  constructor(cloud: CloudEndpoints, credential: TokenCredential, private readonly subscriptionId: string, logger: Logger) {
    this.compute = computeContext(cloud, credential, subscriptionId, logger);
  }

  list(options?: VmListOptions): Promise<VirtualMachine[]> {
    return withRefusedPageBody(async (onResponse) => {
      const result: VirtualMachine[] = [];
      for await (const page of virtualMachines.listAll(this.compute, { abortSignal: options?.signal, onResponse }).byPage()) {
        const vms = page.map((vm) => toVirtualMachine(vm, this.subscriptionId));
        result.push(...vms);
        options?.onPage?.(vms, (page as { continuationToken?: string }).continuationToken !== undefined);
        options?.signal?.throwIfAborted();
      }
      return result;
    });
  }

  async get(vm: VmRef, options?: CallOptions): Promise<VirtualMachine> {
    return toVirtualMachine(await virtualMachines.get(this.compute, vm.resourceGroup, vm.name, { abortSignal: options?.signal }), this.subscriptionId);
  }

  async updateIdentity(vm: VmRef, patch: IdentityPatch, options?: WriteOptions): Promise<VirtualMachine> {
    // The SDK's type has no `null` values, but ARM removes a user-assigned identity by its key with value null, and
    // the SDK's serializer passes null through unchanged.
    const parameters = { identity: patch } as unknown as VirtualMachineUpdate;
    // No updateIntervalInMs: the poller then waits what the service's Retry-After asks (2 s when it says nothing).
    const updated = await longRunning(options, (onResponse) =>
      virtualMachines.update(this.compute, vm.resourceGroup, vm.name, parameters, { ifMatch: options?.ifMatch, abortSignal: options?.signal, onResponse }),
    );
    return toVirtualMachine(updated, this.subscriptionId);
  }

  async create(resourceGroup: string, name: string, body: VirtualMachineBody, options?: WriteOptions): Promise<VirtualMachine> {
    const created = await longRunning(options, (onResponse) =>
      virtualMachines.createOrUpdate(this.compute, resourceGroup, name, toSdkVirtualMachine(body), { ifNoneMatch: '*', abortSignal: options?.signal, onResponse }),
    );
    return toVirtualMachine(created, this.subscriptionId);
  }
}

function toScaleSet(scaleSet: SdkVirtualMachineScaleSet, subscriptionId: string): VirtualMachineScaleSet {
  const id = scaleSet.id ?? '';
  const parts = parseResourceId(id);
  return {
    kind: 'virtualMachineScaleSet',
    id,
    name: scaleSet.name ?? parts?.name ?? '',
    subscriptionId: parts?.subscriptionId ?? subscriptionId,
    resourceGroup: parts?.resourceGroup ?? resourceGroupFromId(id) ?? '',
    location: scaleSet.location,
    identity: toVmIdentity(scaleSet.identity),
    provisioningState: scaleSet.provisioningState,
    etag: scaleSet.etag,
    orchestrationMode: scaleSet.orchestrationMode,
    capacity: scaleSet.sku?.capacity,
    vmSize: scaleSet.sku?.name,
    osType: scaleSet.virtualMachineProfile?.storageProfile?.osDisk?.osType,
  };
}

/** Microsoft.Compute/virtualMachineScaleSets: the same identity PATCH, If-Match and long-running operation as a VM. */
export class ArmScaleSetsClient implements ScaleSetsClient {
  private readonly compute: ComputeManagementContext;

  constructor(cloud: CloudEndpoints, credential: TokenCredential, private readonly subscriptionId: string, logger: Logger) {
    this.compute = computeContext(cloud, credential, subscriptionId, logger);
  }

  list(options?: CallOptions): Promise<VirtualMachineScaleSet[]> {
    return withRefusedPageBody((onResponse) =>
      collect(virtualMachineScaleSets.listAll(this.compute, { abortSignal: options?.signal, onResponse }), (scaleSet) => toScaleSet(scaleSet, this.subscriptionId)),
    );
  }

  async get(scaleSet: IdentityHostRef, options?: CallOptions): Promise<VirtualMachineScaleSet> {
    return toScaleSet(await virtualMachineScaleSets.get(this.compute, scaleSet.resourceGroup, scaleSet.name, { abortSignal: options?.signal }), this.subscriptionId);
  }

  async updateIdentity(scaleSet: IdentityHostRef, patch: IdentityPatch, options?: WriteOptions): Promise<VirtualMachineScaleSet> {
    // As for VMs: `null` values remove a user-assigned identity and pass the SDK's serializer unchanged.
    const parameters = { identity: patch } as unknown as VirtualMachineScaleSetUpdate;
    const updated = await longRunning(options, (onResponse) =>
      virtualMachineScaleSets.update(this.compute, scaleSet.resourceGroup, scaleSet.name, parameters, { ifMatch: options?.ifMatch, abortSignal: options?.signal, onResponse }),
    );
    return toScaleSet(updated, this.subscriptionId);
  }
}

export class ArmRunCommandClient implements RunCommandClient {
  private readonly compute: ComputeManagementContext;

  constructor(cloud: CloudEndpoints, credential: TokenCredential, subscriptionId: string, logger: Logger) {
    this.compute = computeContext(cloud, credential, subscriptionId, logger);
  }

  async run(vm: VmRef, input: RunCommandInput, options?: WriteOptions): Promise<RunCommandStatus[]> {
    // The poller follows Azure-AsyncOperation/Location and waits what Retry-After asks; aborting stops the wait,
    // the script keeps running on the VM (Run Command cannot be cancelled).
    // Not a change to the VM's identity: nothing to tell onAccepted.
    const result = await longRunning({ ...options, onAccepted: undefined }, (onResponse) =>
      virtualMachines.runCommand(this.compute, vm.resourceGroup, vm.name, { commandId: input.commandId, script: input.script }, { abortSignal: options?.signal, onResponse }),
    );
    return (result.value ?? []).map((status) => ({ code: status.code, message: status.message }));
  }
}

interface FirstAnswer {
  onResponse(response: { status: number | string; headers?: unknown }): void;
  /** The first answer's Retry-After in milliseconds, when it sent one. */
  retryAfterMs(): number | undefined;
}

/** Watches a long-running operation's first answer: its Retry-After, and (for `options.onAccepted`) whether it was a
 *  2xx, which means Azure accepted the write. */
function firstAnswerWatch(options: WriteOptions | undefined): FirstAnswer {
  let seen = false;
  let retryAfterMs: number | undefined;
  return {
    onResponse: (response) => {
      if (seen) {
        return;
      }
      seen = true;
      retryAfterMs = retryAfterToMs(headerOf(response.headers, 'retry-after'));
      const status = Number(response.status);
      if (status >= 200 && status < 300) {
        options?.onAccepted?.();
      }
    },
    retryAfterMs: () => retryAfterMs,
  };
}

/** A header from either SDK generation's response: HttpHeaders (get) or a plain lower-case record. */
function headerOf(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') {
    return undefined;
  }
  const getter = (headers as { get?: unknown }).get;
  const value = typeof getter === 'function' ? getter.call(headers, name) : (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** Retry-After in seconds or as an HTTP date. */
function retryAfterToMs(value: string | undefined): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (/^\d+$/.test(value.trim())) {
    return Number(value.trim()) * 1000;
  }
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/**
 * Waits a long-running operation out. The SDK's poller polls at once after the first answer, before Azure can have
 * finished; waiting that answer's Retry-After first makes the first poll the one that can see the end (one request
 * fewer per write), and later polls wait what each answer asks, as before. `onPoll` is told when the wait starts.
 */
/** The part of arm-compute's pollers that a long-running write uses. */
interface WritePoller<T> {
  submitted(): Promise<void>;
  readonly isDone: boolean;
  onProgress(callback: () => void): unknown;
  pollUntilDone(options?: { abortSignal?: AbortSignal }): Promise<T>;
}

/**
 * Sends a long-running write (`send` passes `onResponse` to the SDK) and waits for its end: the first answer tells
 * `options.onAccepted` and gives the Retry-After to wait before the first poll (the SDK would poll at once), and every
 * poll is reported to `options.onPoll`.
 */
async function longRunning<T>(options: WriteOptions | undefined, send: (onResponse: FirstAnswer['onResponse']) => WritePoller<T>): Promise<T> {
  const firstAnswer = firstAnswerWatch(options);
  const poller = send(firstAnswer.onResponse);
  poller.onProgress(() => options?.onPoll?.());
  await poller.submitted();
  const waitMs = firstAnswer.retryAfterMs();
  if (!poller.isDone && waitMs) {
    // The wait is the operation's first step the user sees ("Waiting for Azure..."), as a poll was before.
    options?.onPoll?.();
    await sleep(waitMs, undefined, { signal: options?.signal });
  }
  return poller.pollUntilDone({ abortSignal: options?.signal });
}

/** arm-compute's context for one subscription: ARM's options, with the 401 renewal (src/azure/renewableCredential.ts). */
function computeContext(cloud: CloudEndpoints, credential: TokenCredential, subscriptionId: string, logger: Logger): ComputeManagementContext {
  const renewable = renewableCredential(credential);
  return createComputeManagement(renewable, subscriptionId, armClientOptions(cloud, logger, renewable));
}

/** ARM's wire body in the SDK's model, which flattens each `properties` (its serializer nests them again). */
function toSdkVirtualMachine(body: VirtualMachineBody): SdkVirtualMachine {
  const { networkProfile, ...properties } = body.properties;
  return {
    location: body.location,
    identity: body.identity,
    ...properties,
    networkProfile: {
      networkApiVersion: networkProfile.networkApiVersion,
      networkInterfaceConfigurations: networkProfile.networkInterfaceConfigurations.map((nic) => ({
        name: nic.name,
        ...nic.properties,
        ipConfigurations: nic.properties.ipConfigurations.map((ip) => ({ name: ip.name, ...ip.properties })),
      })),
    },
  } as SdkVirtualMachine;
}

function toUserAssignedIdentity(identity: SdkIdentity, subscriptionId: string): UserAssignedIdentity {
  const id = identity.id ?? '';
  const parts = parseResourceId(id);
  return {
    id,
    name: identity.name ?? parts?.name ?? '',
    resourceGroup: parts?.resourceGroup ?? '',
    subscriptionId: parts?.subscriptionId ?? subscriptionId,
    location: identity.location,
    principalId: identity.principalId ?? '',
    clientId: identity.clientId ?? '',
    tenantId: identity.tenantId ?? '',
  };
}

export class ArmUserAssignedIdentitiesClient implements UserAssignedIdentitiesClient {
  private readonly msi: ManagedServiceIdentityClient;

  constructor(cloud: CloudEndpoints, credential: TokenCredential, private readonly subscriptionId: string, logger: Logger) {
    this.msi = new ManagedServiceIdentityClient(renewableCredential(credential), subscriptionId, armClientOptions(cloud, logger, renewableCredential(credential)));
  }

  list(options?: CallOptions): Promise<UserAssignedIdentity[]> {
    return collect(this.msi.userAssignedIdentities.listBySubscription({ abortSignal: options?.signal }), (identity) =>
      toUserAssignedIdentity(identity, this.subscriptionId),
    );
  }

  async find(resourceGroup: string, name: string, options?: CallOptions): Promise<UserAssignedIdentity | undefined> {
    const found = await undefinedIfNotFound(this.msi.userAssignedIdentities.get(resourceGroup, name, { abortSignal: options?.signal }));
    return found && toUserAssignedIdentity(found, this.subscriptionId);
  }

  async create(
    resourceGroup: string,
    name: string,
    location: string,
    tags?: Record<string, string>,
    options?: CallOptions,
  ): Promise<UserAssignedIdentity> {
    const created = await this.msi.userAssignedIdentities.createOrUpdate(
      resourceGroup,
      name,
      { location, ...(tags ? { tags } : {}) },
      // Create, never overwrite: an identity of that name made meanwhile (another window) gets 412, not new tags.
      { abortSignal: options?.signal, requestOptions: { customHeaders: { 'If-None-Match': '*' } } },
    );
    return toUserAssignedIdentity(created, this.subscriptionId);
  }

  async delete(resourceGroup: string, name: string, options?: CallOptions): Promise<boolean> {
    let status: number | undefined;
    await this.msi.userAssignedIdentities.delete(resourceGroup, name, { abortSignal: options?.signal, onResponse: (response) => (status = response.status) });
    return status !== 204;
  }
}

export async function listSubscriptionsWith(
  cloud: CloudEndpoints,
  credential: TokenCredential,
  logger: Logger,
  options?: SubscriptionListOptions,
): Promise<Subscription[]> {
  const client = new SubscriptionClient(renewableCredential(credential), armClientOptions(cloud, logger, renewableCredential(credential)));
  const all: Subscription[] = [];
  for await (const page of client.subscriptions.list({ abortSignal: options?.signal }).byPage()) {
    // Disabled and deleted subscriptions refuse every call; warned and past-due ones still work.
    const usable = page
      .filter((s) => s.subscriptionId && (s.state === undefined || ['Enabled', 'PastDue', 'Warned'].includes(s.state)))
      .map((s) => ({ subscriptionId: s.subscriptionId!, displayName: s.displayName ?? s.subscriptionId!, tenantId: s.tenantId ?? '' }));
    all.push(...usable);
    // This older-generation client keeps a page's continuation aside (getContinuationToken), not on the page.
    options?.onPage?.(usable, getContinuationToken(page) !== undefined);
  }
  return sortBy(all, (subscription) => subscription.displayName);
}
