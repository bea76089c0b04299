// Run Command on a VM and the emulated IMDS inside it: the action's checks (power state, OS, one at a time, RBAC),
// its long-running answers and Azure-shaped output, and what the contract's verify script prints on each VM.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeAzureForTests } from '../testing';
import { armToken, clientsFor, demo, rawFetch, rejection, uaiId, useFakeAzure } from './sdk';

const imdsUrl = 'http://169.254.169.254/metadata/identity/oauth2/token';
const arm = 'https://management.azure.com/';
const vmPath = (name: string, group = 'rg-web', subscription = demo.production) =>
  `/subscriptions/${subscription}/resourceGroups/${group}/providers/Microsoft.Compute/virtualMachines/${name}`;
const apiVersion = 'api-version=2025-04-01';
const lroPolls = Number(process.env['FAKE_AZURE_LRO_POLLS'] || 1);
const jwtShape = /eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/;

function query(resource: string, selector?: string): string {
  return `api-version=2018-02-01&resource=${encodeURIComponent(resource)}${selector ? `&${selector}` : ''}`;
}

/** The README's Linux verify script (the shape the extension sends): prints HTTP_STATUS=<code>, then the claims or IMDS's error. */
function linuxScript(resource = arm, selector?: string): string[] {
  return [
    'set -e',
    `response=$(curl -s -S -w '\\nHTTP_STATUS=%{http_code}' -H 'Metadata: true' '${imdsUrl}?${query(resource, selector)}')`,
    'status="${response##*HTTP_STATUS=}"',
    'body="${response%$\'\\n\'HTTP_STATUS=*}"',
    'echo "HTTP_STATUS=$status"',
    'if [ "$status" = "200" ]; then',
    '  payload=$(printf \'%s\' "$body" | sed -E \'s/.*"access_token":"[^.]*\\.([^.]*)\\..*/\\1/\' | tr \'_-\' \'/+\')',
    '  while [ $(( ${#payload} % 4 )) -ne 0 ]; do payload="$payload="; done',
    '  printf \'%s\' "$payload" | base64 -d; echo',
    'else',
    '  printf \'%s\\n\' "$body"',
    'fi',
  ];
}

/** The README's Windows verify script. */
function windowsScript(resource = arm, selector?: string): string[] {
  return [
    "$ErrorActionPreference = 'Stop'",
    `$uri = '${imdsUrl}?${query(resource, selector)}'`,
    'try {',
    "  $response = Invoke-WebRequest -UseBasicParsing -Uri $uri -Headers @{ Metadata = 'true' }",
    '  $status = [int]$response.StatusCode; $content = $response.Content',
    '} catch [System.Net.WebException] {',
    '  $status = [int]$_.Exception.Response.StatusCode',
    '  $content = (New-Object System.IO.StreamReader($_.Exception.Response.GetResponseStream())).ReadToEnd()',
    '}',
    '"HTTP_STATUS=$status"',
    'if ($status -eq 200) {',
    "  $payload = (($content | ConvertFrom-Json).access_token -split '\\.')[1].Replace('-', '+').Replace('_', '/')",
    "  switch ($payload.Length % 4) { 2 { $payload += '==' } 3 { $payload += '=' } }",
    '  [System.Text.Encoding]::UTF8.GetString([System.Convert]::FromBase64String($payload))',
    '} else { $content }',
  ];
}

/** stdout of a Linux run's message: "Enable succeeded: \n[stdout]\n<stdout>\n[stderr]\n<stderr>". */
function linuxStreams(message: string): { stdout: string; stderr: string } {
  const match = /^Enable succeeded: \n\[stdout\]\n([\s\S]*)\n\[stderr\]\n([\s\S]*)$/.exec(message);
  assert.ok(match, `Azure's Linux message shape: ${JSON.stringify(message)}`);
  return { stdout: match[1]!, stderr: match[2]! };
}

/** The two printed lines: the status, and the JSON after it. */
function printed(stdout: string): { status: number; json: Record<string, unknown> } {
  const [statusLine, json, ...rest] = stdout.replace(/\n$/, '').split('\n');
  assert.deepEqual(rest, [], `exactly two lines: ${JSON.stringify(stdout)}`);
  assert.match(statusLine!, /^HTTP_STATUS=\d{3}$/);
  return { status: Number(statusLine!.slice('HTTP_STATUS='.length)), json: JSON.parse(json!) as Record<string, unknown> };
}

const seedVm = (name: string) => demo.seed.virtualMachines.find((v) => v.name === name)!;
const seedUai = (name: string) => demo.seed.userAssignedIdentities.find((u) => u.name === name)!;

describe('fake Azure Run Command and IMDS', () => {
  const fake = useFakeAzure();

  async function runLinux(vm: string, script: string[], who = demo.vmContributor, group = 'rg-web', subscription = demo.production) {
    const result = await clientsFor(fake(), who, subscription).compute.virtualMachines.runCommand(group, vm, { commandId: 'RunShellScript', script });
    assert.equal(result.value?.length, 1);
    const [status] = result.value!;
    assert.equal(status!.code, 'ProvisioningState/succeeded');
    assert.equal(status!.level, 'Info');
    assert.equal(status!.displayStatus, 'Provisioning succeeded');
    return linuxStreams(status!.message!);
  }

  it("runs on a running VM with a system identity: claims of the VM's principal for the audience, no token anywhere", async () => {
    const lines: string[] = [];
    const logged = await startFakeAzureForTests({ log: (line) => lines.push(line) });
    try {
      const result = await clientsFor(logged, demo.vmContributor).compute.virtualMachines.runCommand('rg-web', 'vm-web-02', { commandId: 'RunShellScript', script: linuxScript() });
      const { stdout, stderr } = linuxStreams(result.value![0]!.message!);
      assert.equal(stderr, '');
      const { status, json: claims } = printed(stdout);
      assert.equal(status, 200);
      const vm = logged.getState().virtualMachines.find((v) => v.name === 'vm-web-02')!;
      const principal = logged.getState().servicePrincipals.find((sp) => sp.id === vm.identity.principalId)!;
      assert.equal(claims['aud'], arm);
      assert.equal(claims['oid'], seedVm('vm-web-02').identity!.principalId);
      assert.equal(claims['sub'], claims['oid']);
      assert.equal(claims['appid'], principal.appId);
      assert.equal(claims['tid'], demo.tenantId);
      assert.equal(claims['iss'], `https://sts.windows.net/${demo.tenantId}/`);
      assert.equal(claims['ver'], '1.0');
      assert.equal(claims['idtyp'], 'app');
      assert.equal(claims['xms_mirid'], vm.id);
      assert.equal(claims['azp'], undefined, 'v1.0 tokens carry appid, not azp');
      const now = Date.now() / 1000;
      assert.ok((claims['iat'] as number) <= now + 1 && (claims['exp'] as number) > now + 3000);
      const everything = [
        JSON.stringify(result),
        JSON.stringify(logged.getState()),
        JSON.stringify((await rawFetch(logged, '/_control/state')).body),
        JSON.stringify(logged.requests()),
        lines.join('\n'),
      ].join('\n');
      assert.doesNotMatch(everything, jwtShape, 'no token in the output, state, request log or log');
      assert.ok(!everything.includes('access_token'));
      assert.ok(logged.requests().some((r) => r.method === 'POST' && r.path.endsWith('/vm-web-02/runCommand') && r.status === 202));
    } finally {
      await logged.stop();
    }
  });

  it('picks a user-assigned identity by client_id; without one, IMDS refuses a VM with several', async () => {
    const storage = seedUai('id-storage');
    const chosen = printed((await runLinux('vm-web-03', linuxScript('https://vault.azure.net', `client_id=${storage.clientId}`))).stdout);
    assert.equal(chosen.status, 200);
    assert.equal(chosen.json['aud'], 'https://vault.azure.net');
    assert.equal(chosen.json['oid'], storage.principalId);
    assert.equal(chosen.json['appid'], storage.clientId);
    assert.equal(chosen.json['xms_mirid'], uaiId(demo.production, 'rg-web', 'id-storage'));
    const byResourceId = printed((await runLinux('vm-web-03', linuxScript(arm, `msi_res_id=${encodeURIComponent(uaiId(demo.production, 'rg-web', 'id-backend'))}`))).stdout);
    assert.equal(byResourceId.json['oid'], seedUai('id-backend').principalId);
    const unnamed = printed((await runLinux('vm-web-03', linuxScript())).stdout);
    assert.deepEqual(unnamed, {
      status: 400,
      json: { error: 'invalid_request', error_description: 'Multiple user assigned identities exist, please specify the clientId / resourceId of the identity in the token request' },
    });
    const single = printed((await runLinux('vm-data-02', linuxScript(), demo.vmContributor, 'rg-data')).stdout);
    assert.equal(single.json['oid'], seedUai('id-monitor').principalId, 'the only user-assigned identity needs no client_id');
  });

  it('answers "Identity not found" for an identity the VM does not have, and for a VM without identity', async () => {
    const notAssigned = printed((await runLinux('vm-web-02', linuxScript(arm, `client_id=${seedUai('id-backend').clientId}`))).stdout);
    assert.deepEqual(notAssigned, { status: 400, json: { error: 'invalid_request', error_description: 'Identity not found' } });
    const none = printed((await runLinux('vm-web-01', linuxScript())).stdout);
    assert.deepEqual(none, { status: 400, json: { error: 'invalid_request', error_description: 'Identity not found' } });
    // An identity removed from the VM is no longer found from inside it.
    await clientsFor(fake()).compute.virtualMachines.update('rg-web', 'vm-web-02', { identity: { type: 'None' } });
    assert.equal(printed((await runLinux('vm-web-02', linuxScript())).stdout).json['error_description'], 'Identity not found');
  });

  it("answers IMDS's errors for a missing Metadata header, an unknown resource and a missing resource", async () => {
    const withoutHeader = linuxScript().map((line) => line.replace(" -H 'Metadata: true'", ''));
    assert.deepEqual(printed((await runLinux('vm-web-02', withoutHeader)).stdout).json, { error: 'bad_request_102', error_description: 'Required metadata header not specified' });
    const unknown = printed((await runLinux('vm-web-02', linuxScript('https://nothing.example.com/'))).stdout);
    assert.equal(unknown.status, 400);
    assert.equal(unknown.json['error'], 'invalid_resource');
    assert.match(String(unknown.json['error_description']), /^AADSTS50001: The application named https:\/\/nothing\.example\.com\/ was not found in the tenant named /);
    const noResource = linuxScript().map((line) => line.replace(/&resource=[^'&]*/, ''));
    assert.deepEqual(printed((await runLinux('vm-web-02', noResource)).stdout).json, { error: 'invalid_request', error_description: "Required query variable 'resource' is missing" });
    const noApiVersion = linuxScript().map((line) => line.replace('api-version=2018-02-01&', ''));
    assert.deepEqual(printed((await runLinux('vm-web-02', noApiVersion)).stdout).json, { error: 'invalid_request', error_description: "Required query variable 'api-version' is missing" });
    const twoSelectors = printed((await runLinux('vm-web-03', linuxScript(arm, `client_id=${seedUai('id-storage').clientId}&object_id=${seedUai('id-storage').principalId}`))).stdout);
    assert.equal(twoSelectors.status, 400);
    assert.equal(twoSelectors.json['error'], 'invalid_request');
  });

  it('substitutes named parameters ($name, ${name}) in the script, as the guest environment would', async () => {
    const script = linuxScript().map((line) => line.replace(`resource=${encodeURIComponent(arm)}`, 'resource=${resource}&client_id=$clientId'));
    const storage = seedUai('id-storage');
    const result = await clientsFor(fake()).compute.virtualMachines.runCommand('rg-web', 'vm-web-03', {
      commandId: 'RunShellScript',
      script,
      parameters: [{ name: 'resource', value: 'https://storage.azure.com/' }, { name: 'clientId', value: storage.clientId }],
    });
    const { json } = printed(linuxStreams(result.value![0]!.message!).stdout);
    assert.equal(json['aud'], 'https://storage.azure.com/');
    assert.equal(json['oid'], storage.principalId);
  });

  it('refuses a deallocated VM (409 OperationNotAllowed) and a stopped one (409, the VM agent does not report)', async () => {
    const { compute } = clientsFor(fake(), demo.vmContributor);
    const deallocated = await rejection(compute.virtualMachines.runCommand('rg-data', 'vm-data-03', { commandId: 'RunShellScript', script: linuxScript() }));
    assert.equal(deallocated.statusCode, 409);
    assert.equal(deallocated.code, 'OperationNotAllowed');
    assert.equal(deallocated.message, "Operation 'RunCommand' is not allowed on VM 'vm-data-03' since the VM is deallocated or marked to be deallocated.");
    const { compute: dev } = clientsFor(fake(), demo.vmContributor, demo.development);
    const stopped = await rejection(dev.virtualMachines.runCommand('rg-dev', 'vm-dev-01', { commandId: 'RunShellScript', script: linuxScript() }));
    assert.equal(stopped.statusCode, 409);
    assert.match(stopped.message, /^VM has not reported status for VM agent or extensions\./);
    assert.ok(!fake().requests().some((r) => r.path.includes('/operations/')), 'nothing started');
  });

  it("refuses a Reader with 403 AuthorizationFailed on runCommand/action; a Virtual Machine Contributor may run", async () => {
    const error = await rejection(clientsFor(fake(), demo.reader).compute.virtualMachines.runCommand('rg-web', 'vm-web-02', { commandId: 'RunShellScript', script: linuxScript() }));
    assert.equal(error.statusCode, 403);
    assert.equal(error.code, 'AuthorizationFailed');
    assert.equal(error.message,
      `The client '${demo.reader.appId}' with object id '${demo.reader.id}' does not have authorization to perform action 'Microsoft.Compute/virtualMachines/runCommand/action' over scope '${vmPath('vm-web-02')}' or the scope is invalid. If access was recently granted, please refresh your credentials.`);
    const permissions = await rawFetch(fake(), `${vmPath('vm-web-02')}/providers/Microsoft.Authorization/permissions?api-version=2022-04-01`, { token: await armToken(fake(), demo.vmContributor) });
    assert.ok(permissions.body.value.some((p: { actions: string[] }) => p.actions.includes('Microsoft.Compute/virtualMachines/*')));
    assert.equal(printed((await runLinux('vm-web-02', linuxScript(), demo.vmContributor)).stdout).status, 200);
  });

  it('runs one script at a time per VM: 409 Conflict while one runs; the operation and Location answers as Azure', async () => {
    const token = await armToken(fake(), demo.vmContributor);
    const post = (vm = 'vm-web-02') => rawFetch(fake(), `${vmPath(vm)}/runCommand?${apiVersion}`, { method: 'POST', token, body: { commandId: 'RunShellScript', script: linuxScript() } });
    const first = await post();
    assert.equal(first.status, 202);
    assert.equal(first.body, undefined);
    const asyncUrl = first.headers.get('azure-asyncoperation')!;
    const location = first.headers.get('location')!;
    assert.match(asyncUrl, new RegExp(`^${fake().info.url}/subscriptions/${demo.production}/providers/Microsoft\\.Compute/locations/eastus/operations/[0-9a-f-]{36}\\?p=[0-9a-f-]{36}&api-version=2025-04-01$`));
    assert.equal(location, asyncUrl.replace('&api-version', '&monitor=true&api-version'));
    const second = await post();
    assert.equal(second.status, 409);
    assert.deepEqual(second.body.error, { code: 'Conflict', message: 'Run command extension execution is in progress. Please wait for completion before invoking a run command.' });
    assert.equal((await post('vm-web-03')).status, 202, 'another VM is not blocked');
    const monitor = await rawFetch(fake(), location.slice(fake().info.url.length), { token });
    assert.equal(monitor.status, 202, 'Location answers 202 while the run goes on');
    const statuses: Record<string, unknown>[] = [];
    for (let i = 0; i < lroPolls + 1; i++) statuses.push((await rawFetch(fake(), asyncUrl.slice(fake().info.url.length), { token })).body);
    const done = statuses.at(-1)!;
    assert.equal(done['status'], 'Succeeded');
    assert.ok(done['startTime'] && done['endTime'] && done['name']);
    const value = (done['properties'] as { output: { value: { code: string; message: string }[] } }).output.value;
    assert.equal(value[0]!.code, 'ProvisioningState/succeeded');
    const result = await rawFetch(fake(), location.slice(fake().info.url.length), { token });
    assert.equal(result.status, 200);
    assert.deepEqual(result.body, { value });
    assert.equal((await post()).status, 202, 'accepted again once the run ended');
  });

  it('runs RunPowerShellScript on Windows with StdOut and StdErr entries; RunShellScript there is refused', async () => {
    const result = await clientsFor(fake(), demo.vmContributor).compute.virtualMachines.runCommand('rg-web', 'vm-web-04', { commandId: 'RunPowerShellScript', script: windowsScript() });
    assert.deepEqual(result.value!.map((s) => [s.code, s.level, s.displayStatus]), [
      ['ComponentStatus/StdOut/succeeded', 'Info', 'Provisioning succeeded'],
      ['ComponentStatus/StdErr/succeeded', 'Info', 'Provisioning succeeded'],
    ]);
    const stdout = result.value![0]!.message!;
    assert.ok(!stdout.endsWith('\n'));
    const { status, json } = printed(stdout);
    assert.equal(status, 200);
    assert.equal(json['oid'], seedVm('vm-web-04').identity!.principalId, 'no selector: the system-assigned identity');
    assert.equal(result.value![1]!.message, '');
    const backend = seedUai('id-backend');
    const user = await clientsFor(fake(), demo.vmContributor).compute.virtualMachines.runCommand('rg-web', 'vm-web-04', { commandId: 'RunPowerShellScript', script: windowsScript(arm, `object_id=${backend.principalId}`) });
    assert.equal(printed(user.value![0]!.message!).json['appid'], backend.clientId);
    const wrongOs = await rejection(clientsFor(fake()).compute.virtualMachines.runCommand('rg-web', 'vm-web-04', { commandId: 'RunShellScript', script: linuxScript() }));
    assert.equal(wrongOs.statusCode, 409);
    assert.equal(wrongOs.message, "Run command OS type 'Linux' does not match the target OS Windows.");
    const unknown = await rejection(clientsFor(fake()).compute.virtualMachines.runCommand('rg-web', 'vm-web-04', { commandId: 'RunBatchScript' }));
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.message, 'The entity was not found in this Azure location.');
  });

  it('prints what bash prints on a VM without curl: "curl: command not found" on stderr, nothing on stdout', async () => {
    const { stdout, stderr } = await runLinux('vm-dev-03', linuxScript(), demo.vmContributor, 'rg-dev', demo.development);
    assert.equal(stdout, '');
    assert.equal(stderr, '/var/lib/waagent/run-command/download/0/script.sh: line 2: curl: command not found\n');
    const again = await runLinux('vm-dev-03', linuxScript(), demo.vmContributor, 'rg-dev', demo.development);
    assert.match(again.stderr, /download\/1\/script\.sh: line 2: curl: command not found/, 'each run gets the next download folder');
  });

  it('ends a run Failed by the lroFailed fault and keeps it running with lroNeverEnds (later runs conflict)', async () => {
    fake().addFaults([{ kind: 'lroFailed', method: 'POST', path: '/vm-web-02/runCommand$', errorCode: 'VMAgentStatusCommunicationError', errorMessage: 'The VM agent did not answer.' }]);
    const failed = await rejection(clientsFor(fake()).compute.virtualMachines.runCommand('rg-web', 'vm-web-02', { commandId: 'RunShellScript', script: linuxScript() }));
    assert.match(`${failed.code} ${failed.message}`, /VMAgentStatusCommunicationError|The VM agent did not answer/);
    fake().addFaults([{ kind: 'lroFailed', method: 'POST', path: '/vm-web-02/runCommand$', errorCode: 'VMAgentStatusCommunicationError', errorMessage: 'The VM agent did not answer.' }]);
    const raw = await rawFetch(fake(), `${vmPath('vm-web-02')}/runCommand?${apiVersion}`, { method: 'POST', token: await armToken(fake()), body: { commandId: 'RunShellScript', script: ['echo hi'] } });
    let status = { body: { status: 'InProgress' } } as { body: { status: string; error?: unknown } };
    for (let i = 0; i <= lroPolls && status.body.status === 'InProgress'; i++) {
      status = await rawFetch(fake(), raw.headers.get('azure-asyncoperation')!.slice(fake().info.url.length), { token: await armToken(fake()) });
    }
    assert.deepEqual(status.body.error, { code: 'VMAgentStatusCommunicationError', message: 'The VM agent did not answer.' });
    const atLocation = await rawFetch(fake(), raw.headers.get('location')!.slice(fake().info.url.length), { token: await armToken(fake()) });
    assert.equal(atLocation.status, 400);
    assert.equal(atLocation.body.error.code, 'VMAgentStatusCommunicationError');
    fake().addFaults([{ kind: 'lroNeverEnds', method: 'POST', path: '/vm-web-02/runCommand$' }]);
    const token = await armToken(fake());
    const body = { commandId: 'RunShellScript', script: ['echo hi'] };
    assert.equal((await rawFetch(fake(), `${vmPath('vm-web-02')}/runCommand?${apiVersion}`, { method: 'POST', token, body })).status, 202);
    await new Promise((resolve) => setTimeout(resolve, lroPolls * 1000 + 300));
    assert.equal((await rawFetch(fake(), `${vmPath('vm-web-02')}/runCommand?${apiVersion}`, { method: 'POST', token, body })).status, 409);
  });

  it('refuses a body without commandId (400 InvalidParameter) and prints nothing for a script without the IMDS request', async () => {
    const token = await armToken(fake());
    const missing = await rawFetch(fake(), `${vmPath('vm-web-02')}/runCommand?${apiVersion}`, { method: 'POST', token, body: { script: ['echo hi'] } });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.code, 'InvalidParameter');
    assert.deepEqual(await runLinux('vm-web-02', ['echo hi']), { stdout: '', stderr: '' });
  });
});

describe('fake Azure managed run commands', () => {
  const fake = useFakeAzure();
  let token: string;
  before(async () => {
    token = await armToken(fake());
  });

  it('creates a run command (201, Creating), runs it, and shows its output and exit code in the instance view', async () => {
    const { compute } = clientsFor(fake(), demo.vmContributor);
    const created = await compute.virtualMachineRunCommands.createOrUpdate('rg-web', 'vm-web-02', 'verify-identity', {
      location: 'eastus',
      source: { script: linuxScript().join('\n') },
      runAsPassword: 'not-to-be-kept',
    });
    assert.equal(created.provisioningState, 'Succeeded');
    assert.equal(created.id, `${vmPath('vm-web-02')}/runCommands/verify-identity`);
    const read = await compute.virtualMachineRunCommands.getByVirtualMachine('rg-web', 'vm-web-02', 'verify-identity', { expand: 'instanceView' });
    assert.equal(read.instanceView?.executionState, 'Succeeded');
    assert.equal(read.instanceView?.exitCode, 0);
    assert.equal(printed(read.instanceView!.output!).json['oid'], seedVm('vm-web-02').identity!.principalId);
    const raw = await rawFetch(fake(), `${vmPath('vm-web-02')}/runCommands/verify-identity?${apiVersion}`, { token });
    assert.equal(raw.body.properties.instanceView, undefined, 'the instance view only with $expand');
    assert.ok(!JSON.stringify(raw.body).includes('not-to-be-kept'), 'runAsPassword is never returned');
    const list = await rawFetch(fake(), `${vmPath('vm-web-02')}/runCommands?${apiVersion}`, { token });
    assert.deepEqual(list.body.value.map((r: { name: string }) => r.name), ['verify-identity']);
    const missing = await rawFetch(fake(), `${vmPath('vm-web-02')}/runCommands/nothing?${apiVersion}`, { token });
    assert.equal(missing.status, 404);
    const put = await rawFetch(fake(), `${vmPath('vm-web-02')}/runCommands/second?${apiVersion}`, { method: 'PUT', token, body: { location: 'eastus', properties: { source: { script: 'echo hi' } } } });
    assert.equal(put.status, 201);
    assert.equal(put.body.properties.provisioningState, 'Creating');
    assert.ok(put.headers.get('azure-asyncoperation') && put.headers.get('location'));
    const update = await rawFetch(fake(), `${vmPath('vm-web-02')}/runCommands/second?${apiVersion}`, { method: 'PUT', token, body: { location: 'eastus', properties: { source: { script: 'echo hi' } } } });
    assert.equal(update.status, 409, 'a run command is not changed while its script runs');
  });

  it('shows exit code 127 on a VM without curl, and refuses a deallocated VM', async () => {
    const { compute } = clientsFor(fake(), demo.admin, demo.development);
    await compute.virtualMachineRunCommands.createOrUpdate('rg-dev', 'vm-dev-03', 'verify', { location: 'eastus', source: { script: linuxScript().join('\n') } });
    const read = await compute.virtualMachineRunCommands.getByVirtualMachine('rg-dev', 'vm-dev-03', 'verify', { expand: 'instanceView' });
    assert.equal(read.instanceView?.exitCode, 127);
    assert.equal(read.instanceView?.executionState, 'Failed');
    assert.match(read.instanceView!.error!, /script\.sh: line 2: curl: command not found/);
    const deallocated = await rejection(clientsFor(fake()).compute.virtualMachineRunCommands.createOrUpdate('rg-data', 'vm-data-03', 'verify', { location: 'westeurope', source: { script: 'echo hi' } }));
    assert.equal(deallocated.code, 'OperationNotAllowed');
  });

  it('serves the built-in command documents (Reader may read them)', async () => {
    const readerToken = await armToken(fake(), demo.reader);
    const doc = await rawFetch(fake(), `/subscriptions/${demo.production}/providers/Microsoft.Compute/locations/eastus/runCommands/RunPowerShellScript?${apiVersion}`, { token: readerToken });
    assert.equal(doc.status, 200);
    assert.equal(doc.body.osType, 'Windows');
    assert.equal(doc.body.label, 'Executes a PowerShell script');
    const list = await rawFetch(fake(), `/subscriptions/${demo.production}/providers/Microsoft.Compute/locations/eastus/runCommands?${apiVersion}`, { token: readerToken });
    assert.ok(list.body.value.some((c: { id: string; osType: string }) => c.id === 'RunShellScript' && c.osType === 'Linux'));
  });
});
