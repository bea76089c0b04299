// ARM and Graph errors, in the shapes the SDKs throw them, are parsed once by the Azure layer (toServiceError) into a
// neutral ServiceError, which the domain turns into messages that name the missing role or resource.
import { createHttpHeaders, createPipelineRequest, RestError } from '@azure/core-rest-pipeline';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toServiceError, withServiceErrors } from '../../src/azure/serviceErrors';
import { roleForAction, toIdentityError } from '../../src/identity/errorWording';
import { IdentityError } from '../../src/identity/identityError';
import {
  GraphSignInMissingError,
  ServiceError,
  ServicePrincipalEnvironmentMissingError,
  SignInFailedError,
  SignInRequiredError,
} from '../../src/identity/serviceError';

const SUB = 'c0ffee00-0000-4000-8000-000000000001';
const VM_ID = `/subscriptions/${SUB}/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-01`;
const UAI_ID = `/subscriptions/${SUB}/resourceGroups/rg-web/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-backend`;

/** A RestError as core-client / core-rest-pipeline throw it: code and message from the body, headers kept. */
function sdkRestError(status: number, code: string, message: string, headers: Record<string, string> = {}, extra: Record<string, unknown> = {}): RestError {
  const request = createPipelineRequest({ url: 'https://management.azure.com/x', method: 'PATCH' });
  return new RestError(message, {
    code,
    statusCode: status,
    request,
    response: {
      status,
      request,
      headers: createHttpHeaders(headers),
      bodyAsText: JSON.stringify({ error: { code, message, ...extra } }),
    },
  });
}

/** What the Azure layer hands the domain for an ARM RestError. */
function restError(status: number, code: string, message: string, headers: Record<string, string> = {}): unknown {
  return toServiceError(sdkRestError(status, code, message, headers), 'arm');
}

/** What the Azure layer hands the domain for a Microsoft Graph RestError. */
function graphError(status: number, code: string, message: string, headers: Record<string, string> = {}): unknown {
  return toServiceError(sdkRestError(status, code, message, headers), 'graph');
}

describe('toIdentityError: ARM', () => {
  it('AuthorizationFailed on virtualMachines/write names Virtual Machine Contributor and the VM, keeps the request id', () => {
    const error = toIdentityError(
      restError(
        403,
        'AuthorizationFailed',
        `The client '5d2c6b5e-0000-4000-8000-00000000beef' with object id 'abc' does not have authorization to perform action 'Microsoft.Compute/virtualMachines/write' over scope '${VM_ID}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
        { 'x-ms-request-id': 'req-123' },
      ),
      { vmName: 'vm-web-01' },
    );
    assert.equal(error.kind, 'authorization');
    assert.equal(error.missingRole, 'Virtual Machine Contributor');
    assert.equal(error.action, 'Microsoft.Compute/virtualMachines/write');
    assert.equal(error.requestId, 'req-123');
    assert.match(error.message, /^You need the Virtual Machine Contributor role on vm-web-01 \(Microsoft\.Compute\/virtualMachines\/write was refused\)/);
    assert.match(error.toLogLine(), /req-123/);
  });

  it('AuthorizationFailed at a resource group or subscription scope says so', () => {
    const atGroup = toIdentityError(
      restError(403, 'AuthorizationFailed', `The client 'x' with object id 'y' does not have authorization to perform action 'Microsoft.ManagedIdentity/userAssignedIdentities/write' over scope '/subscriptions/${SUB}/resourceGroups/rg-web/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-new' or the scope is invalid.`),
    );
    assert.equal(atGroup.missingRole, 'Managed Identity Contributor');
    assert.match(atGroup.message, /Managed Identity Contributor role on id-new/);
    const atSubscription = toIdentityError(
      restError(403, 'AuthorizationFailed', `The client 'x' with object id 'y' does not have authorization to perform action 'Microsoft.Compute/virtualMachines/read' over scope '/subscriptions/${SUB}' or the scope is invalid.`),
    );
    assert.match(atSubscription.message, /Reader role on subscription c0ffee00/);
  });

  it('LinkedAuthorizationFailed names Managed Identity Operator and the identity', () => {
    const error = toIdentityError(
      restError(
        403,
        'LinkedAuthorizationFailed',
        `The client 'x' with object id 'y' has permission to perform action 'Microsoft.Compute/virtualMachines/write' on scope '${VM_ID}'; however, it does not have permission to perform action 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action' on the linked scope(s) '${UAI_ID}' or the linked scope(s) are invalid.`,
      ),
      { vmName: 'vm-web-01', identityIds: [UAI_ID] },
    );
    assert.equal(error.kind, 'linkedAuthorization');
    assert.equal(error.missingRole, 'Managed Identity Operator');
    assert.match(error.message, /^You need the Managed Identity Operator role on id-backend/);
    assert.match(error.message, /vm-web-01/);
  });

  it("LinkedAuthorizationFailed in Azure's 'action(s) … (respectively)' wording, with two identities", () => {
    const storage = UAI_ID.replace('id-backend', 'id-storage');
    const error = toIdentityError(
      restError(
        403,
        'LinkedAuthorizationFailed',
        `The client 'x' with object id 'y' has permission to perform action 'Microsoft.Compute/virtualMachines/write' on scope '${VM_ID}'; however, it does not have permission to perform action(s) 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action' on the linked scope(s) '${UAI_ID},${storage}' (respectively) or the linked scope(s) are invalid.`,
      ),
    );
    assert.equal(error.missingRole, 'Managed Identity Operator');
    assert.match(error.message, /Managed Identity Operator role on id-backend, id-storage/);
  });

  it('a failed long-running operation (core-lro\'s plain Error) for a missing identity names it', () => {
    const missing = UAI_ID.replace('id-backend', 'id-ghost');
    const error = toIdentityError(
      toServiceError(new Error(`The long-running operation has failed. FailedIdentityOperation. Identity operation for resource '${VM_ID}' failed with error 'Failed to perform resource identity operation. Status: 'BadRequest'. Response: '{"error":{"code":"BadRequest","message":"Resource '${missing}' was not found."}}'.'.`), 'arm'),
      { vmName: 'vm-web-01' },
    );
    assert.equal(error.kind, 'notFound');
    assert.equal(error.code, 'FailedIdentityOperation');
    assert.match(error.message, /^The user-assigned identity 'id-ghost' was not found/);
  });

  it('FailedIdentityOperation thrown at once (400) maps the same way', () => {
    const missing = UAI_ID.replace('id-backend', 'id-ghost');
    const error = toIdentityError(restError(400, 'FailedIdentityOperation', `Resource '${missing}' was not found.`));
    assert.equal(error.kind, 'notFound');
    assert.match(error.message, /'id-ghost'/);
  });

  it('a missing VM names the VM', () => {
    const error = toIdentityError(
      restError(404, 'ResourceNotFound', `The Resource 'Microsoft.Compute/virtualMachines/vm-gone' under resource group 'rg-web' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`),
      { vmName: 'vm-gone' },
    );
    assert.equal(error.kind, 'notFound');
    assert.match(error.message, /virtual machine 'vm-gone' was not found/);
  });

  it('412 and the 409s of a concurrent write are conflicts (retried) that name the VM', () => {
    for (const [status, code] of [[409, 'ConflictingConcurrentWriteNotAllowed'], [409, 'OperationPreempted'], [412, 'PreconditionFailed']] as const) {
      const error = toIdentityError(restError(status, code, 'conflict'), { vmName: 'vm-web-01' });
      assert.equal(error.kind, 'conflict', code);
      assert.match(error.message, /'vm-web-01' is being changed by someone else/);
    }
  });

  it("a create's 412 (its PUT carries If-None-Match: *) means the name is taken, not a conflict", () => {
    const error = toIdentityError(restError(412, 'PreconditionFailed', 'conflict'), {
      creating: { kind: 'virtualMachine', name: 'vm-web-01', resourceGroup: 'rg-web' },
    });
    assert.equal(error.kind, 'invalid');
    assert.equal(error.code, 'VirtualMachineNameTaken');
    assert.equal(error.message, "A virtual machine named 'vm-web-01' already exists in resource group 'rg-web'. Choose another name.");
  });

  it('a silent Graph call without a sign-in is an authentication error that names the commands that may ask for one', () => {
    const error = toIdentityError(new GraphSignInMissingError('tenant-1'), { graphAction: 'readMemberships' });
    assert.equal(error.kind, 'authentication');
    assert.equal(error.message, 'VS Code has no Microsoft Graph sign-in for tenant tenant-1 yet; run Add to Group (or Remove from Group) to grant it.');
  });

  it("any other 409 shows Azure's own message and request id, and is not a conflict", () => {
    const azureSays = "Operation 'update' is not allowed on VM 'vm-web-01' since the VM is marked for deletion.";
    const error = toIdentityError(restError(409, 'OperationNotAllowed', azureSays, { 'x-ms-request-id': 'req-409' }), { vmName: 'vm-web-01' });
    assert.equal(error.kind, 'invalid');
    assert.equal(error.message, `Azure refused the request: ${azureSays} (request id req-409)`);
    assert.doesNotMatch(error.message, /someone else/);
  });

  it('messages and their parts go through the localize function of the context', () => {
    const t = (message: string, ...args: Array<string | number | boolean>) => `<${message.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)]))}>`;
    const error = toIdentityError(restError(412, 'PreconditionFailed', 'conflict'), { vmName: 'vm-web-01', localize: t });
    assert.equal(error.message, "<'vm-web-01' is being changed by someone else, and the change could not be made safely. Refresh and try again in a moment.>");
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
    assert.equal(toIdentityError(abort, { localize: t }).message, '<Cancelled.>');
  });

  it('429 is throttling, with the wait when Azure gives one', () => {
    const error = toIdentityError(restError(429, 'TooManyRequests', 'slow down', { 'retry-after': '7' }));
    assert.equal(error.kind, 'throttled');
    assert.match(error.message, /7 seconds/);
  });

  it('cancellation becomes kind cancelled', () => {
    const abort = new Error('The operation was aborted.');
    abort.name = 'AbortError';
    assert.equal(toIdentityError(abort).kind, 'cancelled');
  });

  it('sign-in errors (Azure CLI, VS Code account) become kind authentication', () => {
    const cli = new Error("Azure CLI could not be found. Please run 'az login'.");
    cli.name = 'CredentialUnavailableError';
    assert.equal(toIdentityError(toServiceError(cli, 'arm')).kind, 'authentication');
    const vscodeAccount = Object.assign(new Error('You are not signed in to an Azure account. Please sign in.'), { isNotSignedInError: true });
    const mapped = toIdentityError(toServiceError(vscodeAccount, 'arm'));
    assert.equal(mapped.kind, 'authentication');
    assert.match(mapped.message, /not signed in/);
  });

  it('an IdentityError passes through unchanged', () => {
    const original = new IdentityError('x', { kind: 'invalid' });
    assert.equal(toIdentityError(original), original);
  });

  it('never carries a token from a message into the IdentityError', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQifQ.c2lnbmF0dXJlc2lnbmF0dXJl';
    const error = toIdentityError(restError(400, 'BadRequest', `echo: Authorization: Bearer ${jwt}`));
    assert.ok(!error.message.includes(jwt), error.message);
    assert.ok(!error.toLogLine().includes(jwt), error.toLogLine());
    assert.ok(!(error.serviceMessage ?? '').includes('eyJhbGci'));
  });
});

describe('toIdentityError: Microsoft Graph', () => {
  it('Authorization_RequestDenied explains the permission and gives the az command', () => {
    const error = toIdentityError(
      graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.', { 'request-id': 'graph-req-9' }),
      { vmName: 'vm-web-02', groupId: 'g-1', groupName: 'sg-app-readers', principalId: 'p-1' },
    );
    assert.equal(error.kind, 'graphPermission');
    assert.equal(error.requestId, 'graph-req-9');
    assert.match(error.message, /Microsoft Graph refused/);
    assert.match(error.message, /GroupMember\.ReadWrite\.All/);
    assert.match(error.message, /ownership/);
    assert.match(error.message, /Azure CLI/);
    assert.equal(error.suggestedCommand, 'az ad group member add --group g-1 --member-id p-1');
    assert.ok(error.message.includes(error.suggestedCommand!));
  });

  it("with VS Code's sign-in: its app may lack GroupMember.ReadWrite.All; offers Azure CLI sign-in and keeps the command", () => {
    const error = toIdentityError(graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'), {
      vmName: 'vm-web-02', groupId: 'g-1', groupName: 'sg-app-readers', principalId: 'p-1', graphAction: 'removeMember', signInMethod: 'vscode',
    });
    assert.match(error.message, /VS Code's sign-in app may lack the GroupMember\.ReadWrite\.All permission/);
    assert.match(error.message, /sign in with Azure CLI/);
    assert.equal(error.remedy, 'useAzureCliSignIn');
    assert.equal(error.suggestedCommand, 'az ad group member remove --group g-1 --member-id p-1');
  });

  it('with Azure CLI or a service principal: that identity lacks the permission or ownership; no Azure CLI remedy', () => {
    for (const [signInMethod, who] of [['azureCli', /The account Azure CLI signed in with lacks/], ['servicePrincipal', /The service principal you signed in with lacks/]] as const) {
      const error = toIdentityError(graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'), {
        groupId: 'g-1', principalId: 'p-1', signInMethod,
      });
      assert.match(error.message, who);
      assert.match(error.message, /GroupMember\.ReadWrite\.All permission and does not own the group/);
      assert.doesNotMatch(error.message, /VS Code/);
      assert.equal(error.remedy, undefined);
      assert.equal(error.suggestedCommand, 'az ad group member add --group g-1 --member-id p-1');
    }
    const reading = toIdentityError(graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges.'), { graphAction: 'readMemberships', signInMethod: 'servicePrincipal' });
    assert.match(reading.message, /The service principal you signed in with lacks the Application\.Read\.All permission/);
  });

  it('"already exist" means already a member', () => {
    const error = toIdentityError(
      graphError(400, 'Request_BadRequest', "One or more added object references already exist for the following modified properties: 'members'."),
      { vmName: 'vm-web-02', groupName: 'sg-keyvault-readers' },
    );
    assert.equal(error.kind, 'alreadyMember');
    assert.match(error.message, /already a member of 'sg-keyvault-readers'/);
  });

  it('Request_ResourceNotFound names the group and the VM', () => {
    const error = toIdentityError(graphError(404, 'Request_ResourceNotFound', "Resource 'x' does not exist"), { vmName: 'vm-web-02', groupName: 'sg-x' });
    assert.equal(error.kind, 'notFound');
    assert.match(error.message, /'sg-x'/);
    assert.match(error.message, /'vm-web-02'/);
  });
});

describe('toServiceError: the one parse of a service failure', () => {
  it('reads status, code, message, request id, retry-after and target from an ARM RestError', () => {
    const parsed = toServiceError(
      sdkRestError(429, 'TooManyRequests', 'slow down', { 'x-ms-request-id': 'req-7', 'retry-after': '7' }, { target: 'identity' }),
      'arm',
    );
    assert.ok(parsed instanceof ServiceError);
    assert.deepEqual(
      [parsed.service, parsed.status, parsed.code, parsed.message, parsed.requestId, parsed.retryAfterMs, parsed.target],
      ['arm', 429, 'TooManyRequests', 'slow down', 'req-7', 7000, 'identity'],
    );
  });

  it("takes Graph's request id from the body's innerError when no header carries it", () => {
    const request = createPipelineRequest({ url: 'https://graph.microsoft.com/v1.0/groups', method: 'POST' });
    const body = { error: { code: 'Request_BadRequest', message: 'bad', innerError: { 'request-id': 'graph-inner-1' } } };
    const error = new RestError('bad', { statusCode: 400, request, response: { status: 400, request, headers: createHttpHeaders(), bodyAsText: JSON.stringify(body) } });
    const parsed = toServiceError(error, 'graph');
    assert.ok(parsed instanceof ServiceError);
    assert.equal(parsed.service, 'graph');
    assert.equal(parsed.code, 'Request_BadRequest');
    assert.equal(parsed.requestId, 'graph-inner-1');
  });

  it("splits core-lro's failed-operation message into code and message", () => {
    const parsed = toServiceError(new Error('The long-running operation has failed. OperationNotAllowed. The VM is deallocating.'), 'arm');
    assert.ok(parsed instanceof ServiceError);
    assert.equal(parsed.code, 'OperationNotAllowed');
    assert.equal(parsed.message, 'The VM is deallocating.');
    assert.equal(parsed.status, undefined);
  });

  it('a sign-in error becomes a login ServiceError; cancellations, typed errors and other errors pass unchanged', () => {
    const cli = Object.assign(new Error('Please run az login.'), { name: 'CredentialUnavailableError' });
    const login = toServiceError(cli, 'arm');
    assert.ok(login instanceof ServiceError);
    assert.equal(login.service, 'login');
    assert.equal(login.code, 'CredentialUnavailableError');
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
    const graphMissing = new GraphSignInMissingError('tenant-1');
    const bug = new TypeError('x is undefined');
    for (const error of [abort, graphMissing, bug]) {
      assert.equal(toServiceError(error, 'arm'), error);
    }
  });

  it('never keeps a token from the service message', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQifQ.c2lnbmF0dXJlc2lnbmF0dXJl';
    const parsed = toServiceError(sdkRestError(400, 'BadRequest', `echo: Authorization: Bearer ${jwt}`), 'arm') as ServiceError;
    assert.ok(!parsed.message.includes(jwt), parsed.message);
  });

  it('withServiceErrors: a client leaves the Azure layer throwing only neutral errors', async () => {
    const client = {
      prefix: 'p',
      async fail(): Promise<string> {
        throw sdkRestError(404, 'ResourceNotFound', `${this.prefix}: not found`, { 'x-ms-request-id': 'req-404' });
      },
      async succeed(value: string): Promise<string> {
        return `${this.prefix}${value}`;
      },
    };
    const wrapped = withServiceErrors(client, 'arm');
    assert.equal(await wrapped.succeed('-ok'), 'p-ok');
    await assert.rejects(wrapped.fail(), (error: unknown) => {
      assert.ok(error instanceof ServiceError);
      assert.deepEqual([error.status, error.code, error.message, error.requestId], [404, 'ResourceNotFound', 'p: not found', 'req-404']);
      return true;
    });
  });
});

describe('toIdentityError: the sign-in layers\' typed errors', () => {
  it('SignInRequiredError asks to sign in to the tenant', () => {
    const error = toIdentityError(new SignInRequiredError('tenant-9'));
    assert.equal(error.kind, 'authentication');
    assert.equal(error.message, 'Sign in to tenant tenant-9 to reach its subscriptions.');
  });

  it('ServicePrincipalEnvironmentMissingError names the missing variables, singular or plural', () => {
    assert.equal(
      toIdentityError(new ServicePrincipalEnvironmentMissingError(['AZURE_CLIENT_SECRET'])).message,
      'Service principal sign-in needs the environment variable AZURE_CLIENT_SECRET (set them before starting VS Code), or choose another azureVmIdentities.signInMethod.',
    );
    const both = toIdentityError(new ServicePrincipalEnvironmentMissingError(['AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET']));
    assert.equal(both.kind, 'authentication');
    assert.match(both.message, /^Service principal sign-in needs the environment variables AZURE_CLIENT_ID, AZURE_CLIENT_SECRET \(/);
  });

  it('SignInFailedError says who could not sign in, why (from the service), and what to do for that sign-in', () => {
    const cause = toServiceError(Object.assign(new Error('Azure CLI could not be found'), { name: 'CredentialUnavailableError' }), 'arm');
    const cli = toIdentityError(new SignInFailedError('azureCli', 'Azure CLI (AzureCloud)', cause));
    assert.equal(cli.kind, 'authentication');
    assert.equal(
      cli.message,
      'Could not sign in with Azure CLI (AzureCloud): Azure CLI could not be found. Run `az login` in a terminal (and `az cloud set` for a sovereign cloud), then sign in again.',
    );
    const sp = toIdentityError(new SignInFailedError('servicePrincipal', 'service principal x', cause));
    assert.match(sp.message, /Check AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET and AZURE_AUTHORITY_HOST, then restart VS Code\.$/);
  });
});

describe('roleForAction', () => {
  const cases: [string, string | undefined][] = [
    ['Microsoft.Compute/virtualMachines/write', 'Virtual Machine Contributor'],
    ['Microsoft.Compute/virtualMachines/start/action', 'Virtual Machine Contributor'],
    ['Microsoft.ManagedIdentity/userAssignedIdentities/assign/action', 'Managed Identity Operator'],
    ['Microsoft.ManagedIdentity/userAssignedIdentities/write', 'Managed Identity Contributor'],
    ['Microsoft.Resources/subscriptions/resourceGroups/read', 'Reader'],
    ['Microsoft.Storage/storageAccounts/write', undefined],
  ];
  for (const [action, role] of cases) {
    it(`${action} -> ${role ?? '(none)'}`, () => assert.equal(roleForAction(action), role));
  }
});
