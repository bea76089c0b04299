// Run Command on a VM (azure-wire-facts.md section 11): the action `POST .../virtualMachines/{vm}/runCommand` and
// managed run commands `.../virtualMachines/{vm}/runCommands/{name}`, both long-running, with output in Azure's
// shape. The fake runs no shell: a script is "run" by finding the IMDS token request in it, answering it as IMDS on
// that VM would (imds.ts), and printing what the script contract in README.md ("Run Command and IMDS") says such a
// script prints. Nothing here keeps a token: the script's output holds only the decoded claims.
import { randomUUID } from 'node:crypto';
import type { TokenService } from './auth';
import { armError, deny, isResponse, normalizedLocation, page, targetVm, type ArmContext, type Route } from './arm';
import { answerImdsTokenRequest, imdsTokenUrl, type ImdsAnswer } from './imds';
import { scopeContains } from './rbac';
import { sameId, stableGuid } from './state';
import type { FakeRequest, FakeResponse, StateVirtualMachine } from './types';

export const runCommandAction = 'Microsoft.Compute/virtualMachines/runCommand/action';
const managedType = 'Microsoft.Compute/virtualMachines/runCommands';

/** What a script leaves behind on the guest. */
export interface GuestOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

interface RunCommandOperation {
  id: string;
  vmId: string;
  osType: StateVirtualMachine['osType'];
  /** Action runs refuse each other (one at a time per VM); a managed run command's execution is its own. */
  kind: 'action' | 'managed';
  /** Lower-case id of the managed run command this operation executes. */
  managedKey?: string;
  startTime: string;
  endTime?: string;
  polls: number;
  outcome: 'Succeeded' | 'Failed' | 'never';
  error?: { code: string; message: string };
  status: 'InProgress' | 'Succeeded' | 'Failed';
  output: GuestOutput;
  timer?: NodeJS.Timeout;
}

interface ManagedRunCommand {
  id: string;
  vmId: string;
  name: string;
  location: string;
  tags: Record<string, string>;
  /** The properties as sent, without the secrets Azure never returns (runAsPassword, protectedParameters). */
  properties: Record<string, unknown>;
  operationId: string;
  created: boolean;
}

/** Run Command's part of a started fake: operations and managed run commands, cleared by reset and stop. */
export class RunCommandRuntime {
  readonly operations = new Map<string, RunCommandOperation>();
  readonly managed = new Map<string, ManagedRunCommand>();
  /** Scripts each VM has run, numbering the agent's download folders as the Linux agent does (0, 1, ...). */
  readonly sequence = new Map<string, number>();

  constructor(readonly tokens: TokenService) {}

  clear(): void {
    for (const op of this.operations.values()) clearTimeout(op.timer);
    this.operations.clear();
    this.managed.clear();
    this.sequence.clear();
  }
}

/** The routes, built when asked so that arm.ts can include them whichever module loads first. */
export function runCommandRoutes(): Route[] {
  const vmPath = '/subscriptions/([^/]+)/resourcegroups/([^/]+)/providers/Microsoft\\.Compute/virtualMachines/([^/]+)';
  return [
    { pattern: new RegExp(`^${vmPath}/runCommand$`, 'i'), methods: { POST: postRunCommand } },
    { pattern: new RegExp(`^${vmPath}/runCommands$`, 'i'), methods: { GET: listManagedRunCommands } },
    { pattern: new RegExp(`^${vmPath}/runCommands/([^/]+)$`, 'i'), methods: { GET: getManagedRunCommand, PUT: putManagedRunCommand } },
    { pattern: /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.Compute\/locations\/([^/]+)\/runCommands$/i, methods: { GET: listBuiltInCommands } },
    { pattern: /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.Compute\/locations\/([^/]+)\/runCommands\/([^/]+)$/i, methods: { GET: getBuiltInCommand } },
  ];
}

// ---------- Built-in commands and the checks before a run ----------

/** The built-in command ids per OS (run-command.md, Linux and Windows articles). */
const builtInCommands: Record<StateVirtualMachine['osType'], string[]> = {
  Linux: ['RunShellScript', 'ifconfig'],
  Windows: ['RunPowerShellScript', 'DisableNLA', 'DisableWindowsUpdate', 'EnableAdminAccount', 'EnableEMS', 'EnableRemotePS',
    'EnableWindowsUpdate', 'IPConfig', 'RDPSettings', 'ResetRDPCert', 'SetRDPPort'],
};

/** The two script commands' documents (example RunCommand_Get.json); the other built-ins are listed without a script. */
const commandDocuments: Record<string, { label: string; description: string }> = {
  RunShellScript: {
    label: 'Executes a Linux shell script',
    description: 'Custom multiline shell script should be defined in script property. Optional parameters can be set in parameters property.',
  },
  RunPowerShellScript: {
    label: 'Executes a PowerShell script',
    description: 'Custom multiline PowerShell script should be defined in script property. Optional parameters can be set in parameters property.',
  },
};

function builtInCommandBody(osType: StateVirtualMachine['osType'], id: string) {
  const document = commandDocuments[id] ?? { label: id, description: `The built-in command ${id}.` };
  return { $schema: 'http://schema.management.azure.com/schemas/2016-11-17/runcommands.json', id, osType, ...document };
}

const locationRunCommandsRead = 'Microsoft.Compute/locations/runCommands/read';

function listBuiltInCommands(req: FakeRequest, ctx: ArmContext, [subscriptionId]: string[]): FakeResponse {
  const denied = deny(req, ctx, locationRunCommandsRead, `/subscriptions/${subscriptionId}`);
  if (denied) return denied;
  const all = (['Linux', 'Windows'] as const).flatMap((osType) => builtInCommands[osType].map((id) => builtInCommandBody(osType, id)));
  return page(req, ctx, all);
}

function getBuiltInCommand(req: FakeRequest, ctx: ArmContext, [subscriptionId, , commandId]: string[]): FakeResponse {
  const denied = deny(req, ctx, locationRunCommandsRead, `/subscriptions/${subscriptionId}`);
  if (denied) return denied;
  const osType = (['Linux', 'Windows'] as const).find((os) => builtInCommands[os].some((id) => sameId(id, commandId!)));
  if (!osType) return armError(404, 'NotFound', 'The entity was not found in this Azure location.');
  const id = builtInCommands[osType].find((c) => sameId(c, commandId!))!;
  // The script commands run the caller's script; their documents show a sample with two parameters, as Azure's do.
  const sample = commandDocuments[id]
    ? {
      script: osType === 'Windows'
        ? ['param(', '    [string]$arg1,', '    [string]$arg2', ')', 'Write-Host This is a sample script with parameters $arg1 $arg2']
        : ['echo This is a sample script', 'echo Optional parameters: $@'],
      parameters: [{ name: 'arg1', type: 'string', defaultValue: 'value1' }, { name: 'arg2', type: 'string', defaultValue: 'value2' }],
    }
    : { script: [], parameters: [] };
  return { status: 200, body: { ...sample, ...builtInCommandBody(osType, id) } };
}

function checkCommandId(vm: StateVirtualMachine, commandId: string): FakeResponse | undefined {
  const otherOs = vm.osType === 'Linux' ? 'Windows' : 'Linux';
  if (builtInCommands[vm.osType].some((id) => sameId(id, commandId))) return undefined;
  if (builtInCommands[otherOs].some((id) => sameId(id, commandId))) {
    // Worded as Azure answers it (Azure/repair-script-library#48).
    return armError(409, 'Conflict', `Run command OS type '${otherOs}' does not match the target OS ${vm.osType}.`);
  }
  return armError(404, 'NotFound', 'The entity was not found in this Azure location.');
}

/** A VM that is not running cannot run a script (azure-wire-facts.md section 11; the operation name is the fake's). */
function checkPowerState(vm: StateVirtualMachine, operation: string): FakeResponse | undefined {
  if (vm.powerState === 'deallocated') {
    return armError(409, 'OperationNotAllowed', `Operation '${operation}' is not allowed on VM '${vm.name}' since the VM is deallocated or marked to be deallocated.`);
  }
  if (vm.powerState === 'stopped') {
    return armError(409, 'Conflict',
      'VM has not reported status for VM agent or extensions. Please verify the VM has a running VM agent and can establish outbound connections to Azure storage.');
  }
  return undefined;
}

function actionInProgress(ctx: ArmContext, vm: StateVirtualMachine): boolean {
  return [...ctx.runCommands.operations.values()].some((op) => op.kind === 'action' && op.status === 'InProgress' && sameId(op.vmId, vm.id));
}

/** Azure's answer to a second run while one is active (MicrosoftDocs/azure-docs#43356; Azure/azure-cli#19137). */
function runInProgress(): FakeResponse {
  return armError(409, 'Conflict', 'Run command extension execution is in progress. Please wait for completion before invoking a run command.');
}

interface ScriptInput {
  commandId: string;
  script: string[];
  parameters: { name: string; value: string }[];
}

function invalidParameter(name: string, message: string): FakeResponse {
  return { status: 400, body: { error: { code: 'InvalidParameter', message, target: name } } };
}

function readParameters(value: unknown, name: string): ScriptInput['parameters'] | FakeResponse {
  if (value === undefined || value === null) return [];
  const ok = Array.isArray(value) && value.every((p) => p && typeof p === 'object' && typeof p.name === 'string' && (p.value === undefined || typeof p.value === 'string'));
  if (!ok) return invalidParameter(name, `The value of parameter '${name}' is invalid: it must be an array of {"name", "value"} strings.`);
  return (value as { name: string; value?: string }[]).map((p) => ({ name: p.name, value: p.value ?? '' }));
}

/** RunCommandInput: commandId (required), script (lines), parameters. */
function readRunCommandInput(body: unknown): ScriptInput | FakeResponse {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return armError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized: the body must be a JSON object.');
  }
  const fields = body as Record<string, unknown>;
  if (typeof fields['commandId'] !== 'string' || fields['commandId'] === '') return invalidParameter('commandId', "Required parameter 'commandId' is missing (null).");
  const script = fields['script'] ?? [];
  if (!Array.isArray(script) || !script.every((line) => typeof line === 'string')) {
    return invalidParameter('script', "The value of parameter 'script' is invalid: it must be an array of strings (the script's lines).");
  }
  const parameters = readParameters(fields['parameters'], 'parameters');
  if (isResponse(parameters)) return parameters;
  return { commandId: fields['commandId'], script: script as string[], parameters };
}

// ---------- The guest: what a script prints ----------

/** Each stream's output is cut to its last 4,096 bytes (run-command.md "Restrictions"). */
function lastBytes(text: string, limit = 4096): string {
  const bytes = Buffer.from(text, 'utf8');
  return bytes.length <= limit ? text : bytes.subarray(bytes.length - limit).toString('utf8');
}

/** `$name` and `${name}` in the script stand for the named parameters (environment variables on Linux, script parameters on Windows). */
function substituteParameters(text: string, parameters: ScriptInput['parameters']): string {
  let result = text;
  for (const { name, value } of parameters) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) continue;
    result = result.split(`\${${name}}`).join(value).replace(new RegExp(`\\$${name}(?![A-Za-z0-9_])`, 'g'), () => value);
  }
  return result;
}

const imdsUrlPattern = new RegExp(`${imdsTokenUrl.replace(/[.?/]/g, '\\$&')}(\\?[^\\s'"\`]*)?`, 'i');

/** The value of the Metadata header the script sends (`-H Metadata:true`, `-H "Metadata: true"`, `@{Metadata="true"}`, `.Add('Metadata','true')`). */
function metadataHeaderValue(text: string): string | undefined {
  const match = /["']?metadata["']?\s*[:=,]\s*["']?\s*(\$?[A-Za-z0-9]+)/i.exec(text);
  return match ? match[1]!.replace(/^\$true$/i, 'True') : undefined;
}

/** The decoded payload of the token, byte for byte as `base64 -d` or FromBase64String gives it: the token itself is dropped. */
function decodedPayload(accessToken: string): string {
  return Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8');
}

/** The two things the contract's script prints: its HTTP status, then the claims (200) or IMDS's error body. */
function printedLines(answer: ImdsAnswer): string[] {
  return [`HTTP_STATUS=${answer.status}`, answer.status === 200 ? decodedPayload(answer.body['access_token'] ?? '') : JSON.stringify(answer.body)];
}

/**
 * Runs a script on the fake guest. Only the IMDS token request is emulated (README "Run Command and IMDS"): a
 * RunShellScript that fetches the IMDS URL with curl, or a RunPowerShellScript that fetches it with Invoke-RestMethod
 * / Invoke-WebRequest, prints `HTTP_STATUS=<code>` and the claims; any other script prints nothing.
 */
function runOnGuest(ctx: ArmContext, vm: StateVirtualMachine, input: ScriptInput, scriptPath: string): GuestOutput {
  const nothing: GuestOutput = { stdout: '', stderr: '', exitCode: 0 };
  if (!['RunShellScript', 'RunPowerShellScript'].some((id) => sameId(id, input.commandId))) return nothing;
  const lines = input.script.map((line) => substituteParameters(line, input.parameters));
  const text = lines.join('\n');
  const url = imdsUrlPattern.exec(text);
  if (!url) return nothing;
  const usesCurl = /(^|[\s;|&(`$])curl(\.exe)?(?=\s)/i;
  const usesPowerShellWeb = /\b(Invoke-RestMethod|Invoke-WebRequest|irm|iwr)\b/i;
  if (vm.osType === 'Linux') {
    const curlLine = lines.findIndex((line) => usesCurl.test(line));
    if (curlLine < 0) return nothing;
    if (!(vm.tools ?? ['curl']).includes('curl')) {
      // What bash prints for a missing command; the contract's script stops there (set -e), exit code 127.
      return { stdout: '', stderr: `${scriptPath}: line ${curlLine + 1}: curl: command not found\n`, exitCode: 127 };
    }
  } else if (!usesPowerShellWeb.test(text) && !usesCurl.test(text)) {
    return nothing;
  }
  const answer = answerImdsTokenRequest(ctx.state, ctx.runCommands.tokens, vm, {
    query: new URLSearchParams((url[1] ?? '').replace(/^\?/, '')),
    metadataHeader: metadataHeaderValue(text),
  });
  const printed = printedLines(answer);
  // bash's echo ends every line; the Windows agent's StdOut message has no final line break (the example's has none).
  return { stdout: vm.osType === 'Linux' ? `${printed.join('\n')}\n` : printed.join('\n'), stderr: '', exitCode: 0 };
}

function nextScriptNumber(ctx: ArmContext, vm: StateVirtualMachine): number {
  const key = vm.id.toLowerCase();
  const n = ctx.runCommands.sequence.get(key) ?? 0;
  ctx.runCommands.sequence.set(key, n + 1);
  return n;
}

/** The action's result: one Linux entry with both streams, or Windows' StdOut and StdErr entries. */
function actionOutputValue(op: RunCommandOperation) {
  const status = (code: string, message: string) => ({ code, level: 'Info', displayStatus: 'Provisioning succeeded', message });
  const stdout = lastBytes(op.output.stdout);
  const stderr = lastBytes(op.output.stderr);
  if (op.osType === 'Linux') return [status('ProvisioningState/succeeded', `Enable succeeded: \n[stdout]\n${stdout}\n[stderr]\n${stderr}`)];
  return [status('ComponentStatus/StdOut/succeeded', stdout), status('ComponentStatus/StdErr/succeeded', stderr)];
}

// ---------- Long-running operations ----------

function startOperation(req: FakeRequest, ctx: ArmContext, vm: StateVirtualMachine, kind: RunCommandOperation['kind'], output: GuestOutput, managedKey?: string): RunCommandOperation {
  const fault = ctx.takeLroFault(req.method, req.path);
  const op: RunCommandOperation = {
    id: randomUUID(),
    vmId: vm.id,
    osType: vm.osType,
    kind,
    ...(managedKey ? { managedKey } : {}),
    startTime: new Date().toISOString(),
    polls: 0,
    outcome: fault?.kind === 'lroNeverEnds' ? 'never' : fault?.kind === 'lroFailed' ? 'Failed' : 'Succeeded',
    ...(fault?.kind === 'lroFailed'
      ? { error: { code: fault.errorCode ?? 'InternalExecutionError', message: fault.errorMessage ?? 'An internal execution error occurred. Please retry later.' } }
      : {}),
    status: 'InProgress',
    output,
  };
  ctx.runCommands.operations.set(op.id, op);
  if (op.outcome !== 'never') {
    // As for VM writes: the run ends on the server whether or not anyone polls.
    op.timer = setTimeout(() => finishOperation(ctx, op), ctx.lroPolls * ctx.retryAfterSeconds * 1000);
    op.timer.unref();
  }
  return op;
}

function finishOperation(ctx: ArmContext, op: RunCommandOperation): void {
  if (op.status !== 'InProgress' || op.outcome === 'never' || ctx.runCommands.operations.get(op.id) !== op) return;
  clearTimeout(op.timer);
  op.status = op.outcome;
  op.endTime = new Date().toISOString();
}

/** The Azure-AsyncOperation and Location (monitor) URLs of an operation, as Compute sends them for a run. */
function operationHeaders(req: FakeRequest, ctx: ArmContext, vm: StateVirtualMachine, op: RunCommandOperation): Record<string, string> {
  const base = `${req.baseUrl}/subscriptions/${vm.subscriptionId}/providers/Microsoft.Compute/locations/${normalizedLocation(vm.location)}/operations/${op.id}?p=${stableGuid(op.id)}`;
  const apiVersion = encodeURIComponent(req.query.get('api-version')!);
  return {
    'Azure-AsyncOperation': `${base}&api-version=${apiVersion}`,
    Location: `${base}&monitor=true&api-version=${apiVersion}`,
    'Retry-After': String(ctx.retryAfterSeconds),
  };
}

/**
 * The operation-status route for run-command operations (arm.ts's getOperation asks here first; undefined: not one of
 * these). Without `monitor=true` it is the Azure-AsyncOperation status; with it, the Location answer: 202 while
 * running, then the result (the action's `{value}`, a managed run command's resource).
 */
export function runCommandOperationStatus(req: FakeRequest, ctx: ArmContext, subscriptionId: string, operationId: string): FakeResponse | undefined {
  const op = ctx.runCommands.operations.get(operationId);
  if (!op || !scopeContains(`/subscriptions/${subscriptionId}`, op.vmId)) return undefined;
  if (op.status === 'InProgress' && op.outcome !== 'never') {
    if (op.polls < ctx.lroPolls) op.polls += 1;
    else finishOperation(ctx, op);
  }
  const retryAfter = { 'Retry-After': String(ctx.retryAfterSeconds) };
  if (req.query.get('monitor') === 'true') {
    if (op.status === 'InProgress') return { status: 202, headers: { Location: `${req.baseUrl}${req.path}?${req.query.toString()}`, ...retryAfter } };
    if (op.status === 'Failed') return { status: 400, body: { error: op.error } };
    if (op.kind === 'action') return { status: 200, body: { value: actionOutputValue(op) } };
    const managed = op.managedKey ? ctx.runCommands.managed.get(op.managedKey) : undefined;
    return managed ? { status: 200, body: managedBody(ctx, managed, false) } : { status: 200 };
  }
  const body = {
    startTime: op.startTime,
    ...(op.endTime ? { endTime: op.endTime } : {}),
    status: op.status,
    ...(op.status === 'Succeeded' && op.kind === 'action' ? { properties: { output: { value: actionOutputValue(op) } } } : {}),
    ...(op.status === 'Failed' && op.error ? { error: op.error } : {}),
    name: op.id,
  };
  return { status: 200, headers: op.status === 'InProgress' ? retryAfter : {}, body };
}

// ---------- The action ----------

function postRunCommand(req: FakeRequest, ctx: ArmContext, params: string[]): FakeResponse {
  const vm = targetVm(req, ctx, params, runCommandAction, 'ResourceNotFound');
  if (isResponse(vm)) return vm;
  const input = readRunCommandInput(req.body);
  if (isResponse(input)) return input;
  const refused = checkCommandId(vm, input.commandId) ?? checkPowerState(vm, 'RunCommand') ?? (actionInProgress(ctx, vm) ? runInProgress() : undefined);
  if (refused) return refused;
  const scriptPath = `/var/lib/waagent/run-command/download/${nextScriptNumber(ctx, vm)}/script.sh`;
  const op = startOperation(req, ctx, vm, 'action', runOnGuest(ctx, vm, input, scriptPath));
  return { status: 202, headers: operationHeaders(req, ctx, vm, op) };
}

// ---------- Managed run commands ----------

function managedKeyOf(vm: StateVirtualMachine, name: string): string {
  return `${vm.id}/runCommands/${name}`.toLowerCase();
}

function managedBody(ctx: ArmContext, rc: ManagedRunCommand, withInstanceView: boolean) {
  const op = ctx.runCommands.operations.get(rc.operationId);
  const running = !op || op.status === 'InProgress';
  const failedRun = op?.status === 'Failed' || (op?.status === 'Succeeded' && op.output.exitCode !== 0 && rc.properties['treatFailureAsDeploymentFailure'] === true);
  const provisioningState = running ? (rc.created ? 'Creating' : 'Updating') : failedRun ? 'Failed' : 'Succeeded';
  const executionState = running ? 'Running' : op?.status === 'Failed' || op?.output.exitCode !== 0 ? 'Failed' : 'Succeeded';
  return {
    name: rc.name,
    id: rc.id,
    type: managedType,
    location: rc.location,
    tags: structuredClone(rc.tags),
    properties: {
      ...structuredClone(rc.properties),
      provisioningState,
      ...(withInstanceView && op
        ? {
          instanceView: {
            executionState,
            executionMessage: op.status === 'Failed' ? op.error?.message ?? '' : '',
            ...(running ? {} : { exitCode: op.output.exitCode }),
            output: running ? '' : lastBytes(op.output.stdout),
            error: running ? '' : lastBytes(op.output.stderr),
            startTime: op.startTime,
            ...(op.endTime ? { endTime: op.endTime } : {}),
          },
        }
        : {}),
    },
  };
}

function managedTarget(req: FakeRequest, ctx: ArmContext, params: string[], action: string) {
  const [subscriptionId, resourceGroup, vmName] = params as [string, string, string];
  return targetVm(req, ctx, [subscriptionId, resourceGroup, vmName], action, 'ResourceNotFound');
}

function listManagedRunCommands(req: FakeRequest, ctx: ArmContext, params: string[]): FakeResponse {
  const vm = managedTarget(req, ctx, params, `${managedType}/read`);
  if (isResponse(vm)) return vm;
  const prefix = `${vm.id}/runCommands/`.toLowerCase();
  const items = [...ctx.runCommands.managed.entries()].filter(([key]) => key.startsWith(prefix)).map(([, rc]) => managedBody(ctx, rc, false));
  return { status: 200, body: { value: items } };
}

function getManagedRunCommand(req: FakeRequest, ctx: ArmContext, params: string[]): FakeResponse {
  const vm = managedTarget(req, ctx, params, `${managedType}/read`);
  if (isResponse(vm)) return vm;
  const rc = ctx.runCommands.managed.get(managedKeyOf(vm, params[3]!));
  if (!rc) {
    return armError(404, 'ResourceNotFound',
      `The Resource '${managedType}/${vm.name}/${params[3]}' under resource group '${vm.resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
  }
  return { status: 200, body: managedBody(ctx, rc, (req.query.get('$expand') ?? '').toLowerCase() === 'instanceview') };
}

/** Properties a managed run command keeps: what was sent, minus what Azure computes and the secrets it never returns. */
function storableRunCommandProperties(properties: Record<string, unknown>): Record<string, unknown> {
  const kept = structuredClone(properties);
  for (const key of ['provisioningState', 'instanceView', 'runAsPassword', 'protectedParameters']) delete kept[key];
  return kept;
}

function putManagedRunCommand(req: FakeRequest, ctx: ArmContext, params: string[]): FakeResponse {
  const vm = managedTarget(req, ctx, params, `${managedType}/write`);
  if (isResponse(vm)) return vm;
  const name = params[3]!;
  if (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) {
    return armError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized: the body must be a JSON object.');
  }
  const body = req.body as Record<string, unknown>;
  if (typeof body['location'] !== 'string' || !body['location']) return armError(400, 'LocationRequired', 'The location property is required for this definition.');
  const properties = (body['properties'] ?? {}) as Record<string, unknown>;
  const source = (properties['source'] ?? {}) as { script?: unknown; scriptUri?: unknown; commandId?: unknown };
  const parameters = readParameters(properties['parameters'], 'properties.parameters');
  if (isResponse(parameters)) return parameters;
  const protectedParameters = readParameters(properties['protectedParameters'], 'properties.protectedParameters');
  if (isResponse(protectedParameters)) return protectedParameters;
  const commandId = typeof source.commandId === 'string' ? source.commandId : vm.osType === 'Linux' ? 'RunShellScript' : 'RunPowerShellScript';
  const refused = checkCommandId(vm, commandId) ?? checkPowerState(vm, 'CreateOrUpdateRunCommand');
  if (refused) return refused;
  const key = managedKeyOf(vm, name);
  const existing = ctx.runCommands.managed.get(key);
  const previous = existing ? ctx.runCommands.operations.get(existing.operationId) : undefined;
  if (previous?.status === 'InProgress') {
    return armError(409, 'ConflictingConcurrentWriteNotAllowed', 'The operation was interrupted by a conflicting concurrent write on the same entity. Please retry later.');
  }
  // A scriptUri is not fetched: the fake has no storage, so such a script prints nothing.
  const script = typeof source.script === 'string' ? source.script.split(/\r?\n/) : [];
  const sequence = nextScriptNumber(ctx, vm);
  const scriptPath = `/var/lib/waagent/run-command-handler/download/${name}-${sequence}/script.sh`;
  const output = runOnGuest(ctx, vm, { commandId, script, parameters: [...parameters, ...protectedParameters] }, scriptPath);
  const op = startOperation(req, ctx, vm, 'managed', output, key);
  const rc: ManagedRunCommand = {
    id: existing?.id ?? `${vm.id}/runCommands/${name}`,
    vmId: vm.id,
    name: existing?.name ?? name,
    location: body['location'],
    tags: (body['tags'] ?? {}) as Record<string, string>,
    properties: storableRunCommandProperties(properties),
    operationId: op.id,
    created: !existing,
  };
  ctx.runCommands.managed.set(key, rc);
  return { status: existing ? 200 : 201, headers: operationHeaders(req, ctx, vm, op), body: managedBody(ctx, rc, false) };
}
