// The verify script (what Run Command runs on the VM), reading its output, the claim checks and the failure words.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IdentityError } from '../../src/identity/identityError';
import {
  checkClaims,
  imdsTokenUrl,
  parseVerifyOutput,
  runCommandRefusal,
  runCommandStreams,
  verifyOutputError,
  verifyScript,
  type VerifyTarget,
} from '../../src/identity/verifyIdentity';

const CLIENT_ID = '11111111-2222-4333-8444-555555555555';
const UAI = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-x';
const VM = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-x';
const system: VerifyTarget = { kind: 'systemAssigned' };
const user: VerifyTarget = { kind: 'userAssigned', identityId: UAI, clientId: CLIENT_ID };

describe('the verify script', () => {
  it('Linux: RunShellScript with curl, the Metadata header and the URL with resource (and client_id for a user-assigned identity)', () => {
    const input = verifyScript('Linux', 'https://management.azure.com/', user);
    assert.equal(input.commandId, 'RunShellScript');
    const text = input.script.join('\n');
    assert.match(text, /^set -e$/m);
    assert.match(text, /curl -s -S -w '\\nHTTP_STATUS=%\{http_code\}' -H 'Metadata: true' 'http:\/\/169\.254\.169\.254\/metadata\/identity\/oauth2\/token\?api-version=2018-02-01&resource=https%3A%2F%2Fmanagement\.azure\.com%2F&client_id=11111111-2222-4333-8444-555555555555'/);
    // Only the payload is decoded and printed; the token is never echoed.
    assert.match(text, /base64 -d/);
    assert.doesNotMatch(text, /echo "\$body"|echo "\$response"/);
  });

  it('system-assigned: no client_id', () => {
    assert.doesNotMatch(verifyScript('Linux', 'https://vault.azure.net', system).script.join('\n'), /client_id/);
  });

  it('Windows: RunPowerShellScript with Invoke-WebRequest, printing the status and the decoded payload', () => {
    const input = verifyScript('Windows', 'https://graph.microsoft.com', user);
    assert.equal(input.commandId, 'RunPowerShellScript');
    const text = input.script.join('\n');
    assert.match(text, /\$uri = 'http:\/\/169\.254\.169\.254\/metadata\/identity\/oauth2\/token\?api-version=2018-02-01&resource=https%3A%2F%2Fgraph\.microsoft\.com&client_id=11111111-2222-4333-8444-555555555555'/);
    assert.match(text, /Invoke-WebRequest -UseBasicParsing -Uri \$uri -Headers @\{ Metadata = 'true' \}/);
    assert.match(text, /"HTTP_STATUS=\$status"/);
    assert.match(text, /access_token -split '\\\.'\)\[1\]/);
  });

  it('percent-encodes quotes so a value cannot leave the single-quoted URL, and refuses a client id that is not a GUID', () => {
    assert.equal(imdsTokenUrl("https://x'y/"), "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fx%27y%2F");
    assert.throws(() => imdsTokenUrl('https://management.azure.com/', "x'; rm -rf /"), IdentityError);
  });
});

describe('reading Run Command output', () => {
  it("Linux's single message with [stdout] and [stderr]", () => {
    const streams = runCommandStreams([{ code: 'ProvisioningState/succeeded', message: 'Enable succeeded: \n[stdout]\nHTTP_STATUS=200\n{"aud":"a"}\n\n[stderr]\n' }]);
    assert.deepEqual(streams, { stdout: 'HTTP_STATUS=200\n{"aud":"a"}\n', stderr: '' });
  });

  it("Windows's StdOut and StdErr entries", () => {
    const streams = runCommandStreams([
      { code: 'ComponentStatus/StdOut/succeeded', message: 'HTTP_STATUS=400\n{"error":"invalid_request"}' },
      { code: 'ComponentStatus/StdErr/succeeded', message: 'oops' },
    ]);
    assert.deepEqual(streams, { stdout: 'HTTP_STATUS=400\n{"error":"invalid_request"}', stderr: 'oops' });
  });

  it('a 200 gives the claims the extension shows', () => {
    const payload = { aud: 'https://management.azure.com/', oid: 'o', appid: 'c', tid: 't', xms_mirid: VM, exp: 1900000000, iss: 'https://sts.windows.net/t/', sub: 'o' };
    const output = parseVerifyOutput(`HTTP_STATUS=200\n${JSON.stringify(payload)}\n`, '');
    assert.deepEqual(output, {
      kind: 'token',
      status: 200,
      claims: { aud: payload.aud, oid: 'o', appid: 'c', tid: 't', xms_mirid: VM, exp: 1900000000, iss: payload.iss },
    });
  });

  it("IMDS's error body", () => {
    assert.deepEqual(parseVerifyOutput('HTTP_STATUS=400\n{"error":"invalid_request","error_description":"Identity not found"}', ''), {
      kind: 'imdsError',
      status: 400,
      error: 'invalid_request',
      description: 'Identity not found',
    });
  });

  it('no curl, from bash on stderr', () => {
    const output = parseVerifyOutput('', '/var/lib/waagent/run-command/download/0/script.sh: line 2: curl: command not found\n');
    assert.equal(output.kind, 'noFetcher');
    assert.equal(output.kind === 'noFetcher' && output.tool, 'curl');
  });

  it('a token printed by a misbehaving script is cut out of what is kept', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2lnbmF0dXJl';
    const output = parseVerifyOutput(`something ${jwt}`, '');
    assert.equal(output.kind, 'unreadable');
    assert.doesNotMatch(JSON.stringify(output), /eyJhbGci/);
  });
});

describe('claim checks', () => {
  const expected = { principalId: 'P', clientId: 'C', resourceId: UAI, tenantId: 'T', resource: 'https://management.azure.com/' };
  it('every claim matching passes, case-insensitively for ids and with or without the audience\'s final slash', () => {
    const checks = checkClaims({ aud: 'https://management.azure.com', oid: 'p', appid: 'c', tid: 't', xms_mirid: UAI.toUpperCase(), exp: 2000 }, expected, 1000);
    assert.deepEqual(checks.map((c) => [c.claim, c.ok]), [['oid', true], ['appid', true], ['xms_mirid', true], ['aud', true], ['tid', true], ['exp', true]]);
    assert.equal(checks[0].text, "oid matches the identity's principal id");
  });

  it('a different oid, audience or an expired token fails with what differs', () => {
    const checks = checkClaims({ aud: 'https://vault.azure.net', oid: 'other', exp: 500 }, expected, 1000);
    const failed = checks.filter((c) => !c.ok).map((c) => c.claim);
    assert.deepEqual(failed, ['oid', 'appid', 'aud', 'tid', 'exp']);
    assert.match(checks[0].text, /oid other is not the identity's principal id P/);
  });
});

describe('failure words (issue 11)', () => {
  it('IMDS "Identity not found": not assigned or still propagating; try again in a minute', () => {
    const error = verifyOutputError({ kind: 'imdsError', status: 400, error: 'invalid_request', description: 'Identity not found' }, 'vm-x', user);
    assert.equal(error.message, "IMDS on 'vm-x' does not know the user-assigned identity 'id-x': it is not assigned to the VM, or the assignment is still propagating. Try again in a minute.");
  });

  it('no curl: says so', () => {
    assert.match(verifyOutputError({ kind: 'noFetcher', tool: 'curl', detail: '' }, 'vm-x', system).message, /'vm-x' has no curl/);
  });

  it('deallocated and stopped VMs: start it first; another run: wait or try again; anything else is left to toIdentityError', () => {
    const deallocated = runCommandRefusal({ status: 409, code: 'OperationNotAllowed', message: "Operation 'RunCommand' is not allowed on VM 'vm-x' since the VM is deallocated or marked to be deallocated." }, 'vm-x');
    assert.equal(deallocated?.message, "'vm-x' is deallocated, so nothing can run on it. Start it first, then verify again.");
    const stopped = runCommandRefusal({ status: 409, code: 'Conflict', message: 'VM has not reported status for VM agent or extensions. Please verify the VM has a running VM agent and can establish outbound connections to Azure storage.' }, 'vm-x');
    assert.match(stopped!.message, /Start it first/);
    const busy = runCommandRefusal({ status: 409, code: 'Conflict', message: 'Run command extension execution is in progress. Please wait for completion before invoking a run command.' }, 'vm-x');
    assert.equal(busy?.kind, 'conflict');
    assert.match(busy!.message, /Wait for it to finish, or try again in a minute/);
    assert.equal(runCommandRefusal({ status: 403, code: 'AuthorizationFailed', message: 'x' }, 'vm-x'), undefined);
  });
});

describe('the result document', () => {
  it('"Identity check of vm-x": the verdict, a table of the claims and each check; no token', async () => {
    const { verifyReportMarkdown } = await import('../../src/identity/verifyIdentity');
    const claims = { aud: 'https://management.azure.com/', oid: 'P', appid: 'C', tid: 'T', xms_mirid: VM, exp: 1900000000 };
    const checks = checkClaims(claims, { principalId: 'P', resourceId: VM, resource: 'https://management.azure.com/' }, 1000);
    const markdown = verifyReportMarkdown({ vmName: 'vm-x', target: system, resource: claims.aud, osType: 'Linux', claims, checks, checkedAt: new Date('2026-11-29T10:00:00Z') });
    assert.match(markdown, /^# Identity check of vm-x$/m);
    assert.match(markdown, /✅ \*\*The identity works: oid matches the identity's principal id\.\*\*/);
    assert.match(markdown, /^\| oid \| `P` \|$/m);
    assert.match(markdown, /^\| xms_mirid \| `\/subscriptions\/s\/resourceGroups\/rg\/providers\/Microsoft\.Compute\/virtualMachines\/vm-x` \|$/m);
    assert.match(markdown, /^\| exp \| `2030-03-17T17:46:40Z` \(1900000000\) \|$/m);
    assert.match(markdown, /RunShellScript/);
  });

  it('a mismatch is the verdict, naming what differs', async () => {
    const { verifyVerdict } = await import('../../src/identity/verifyIdentity');
    const checks = checkClaims({ aud: 'https://management.azure.com/', oid: 'Q' }, { principalId: 'P', resourceId: VM, resource: 'https://management.azure.com/' }, 1000);
    assert.equal(verifyVerdict(checks), "IMDS issued a token, but it does not match: oid Q is not the identity's principal id P.");
  });
});
