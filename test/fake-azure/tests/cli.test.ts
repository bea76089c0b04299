// `npm run -s fake-azure` as the README tells a new user to run it: exactly one JSON line on stdout, a working HTTPS
// endpoint, and a stop (port closed) when SIGTERM or SIGINT reaches the npm process.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { connect } from 'node:net';
import type { FakeAzureInfo } from '../types';

const repoRoot = join(__dirname, '..', '..', '..');

/** Starts the fake exactly as documented, with stdout and stderr captured. */
function startByNpm(args: string[]) {
  const child = spawn('npm', ['run', '-s', 'fake-azure', '--', ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => (output.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output.stderr += d.toString()));
  return { child, output };
}

async function firstStdoutLine(output: { stdout: string }, child: ReturnType<typeof spawn>): Promise<string> {
  const deadline = Date.now() + 30_000;
  while (!output.stdout.includes('\n')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the fake printed no line on stdout: ${JSON.stringify(output)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return output.stdout.split('\n')[0]!;
}

/** Fails instead of hanging when a signal does not end npm. */
async function exitWithin(child: ReturnType<typeof spawn>, ms: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`npm did not exit within ${ms} ms of the signal`)), ms);
  });
  try {
    await Promise.race([once(child, 'exit'), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Waits up to 5 s for the port to close: npm may exit before the server it ran has stopped. */
async function portClosesSoon(port: number): Promise<boolean> {
  for (const end = Date.now() + 5_000; Date.now() < end; ) {
    if (!(await portAccepts(port))) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

describe('fake Azure command line', () => {
  it('prints one JSON line, serves with the given page size and faults, and stops on SIGTERM', async () => {
    const faultsFile = join(mkdtempSync(join(tmpdir(), 'fake-azure-')), 'faults.json');
    writeFileSync(faultsFile, JSON.stringify([{ kind: 'status', status: 503, path: '^/subscriptions$', retryAfterSeconds: 1 }]));
    const { child, output } = startByNpm(['--port', '0', '--page-size', '1', '--faults', faultsFile, '--principal-replication-seconds', '30']);
    try {
      const firstLine = await firstStdoutLine(output, child);
      const info = JSON.parse(firstLine) as FakeAzureInfo & { pageSize: number; principalReplicationSeconds: number };
      assert.match(info.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      for (const key of ['caFile', 'resourceManagerEndpoint', 'graphEndpoint', 'authorityHost', 'tenantId', 'clientId', 'clientSecret'] as const) assert.ok(info[key], key);
      assert.equal(info.pageSize, 1);
      assert.equal(info.principalReplicationSeconds, 30);
      const tokenResponse = await fetch(`${info.authorityHost}/${info.tenantId}/oauth2/v2.0/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: info.clientId, client_secret: info.clientSecret, scope: `${info.url}/.default` }),
      });
      const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
      const get = (path: string) => fetch(`${info.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
      assert.equal((await get('/subscriptions?api-version=2022-12-01')).status, 503, 'the fault from --faults applies');
      const page = (await (await get('/subscriptions?api-version=2022-12-01')).json()) as { value: unknown[]; nextLink: string };
      assert.equal(page.value.length, 1);
      assert.match(page.nextLink, /^https:\/\/127\.0\.0\.1:\d+\/subscriptions\?/);
      // --principal-replication-seconds reaches the server: a new identity's principal is not found at once.
      const send = (method: string, path: string, body: unknown) =>
        fetch(`${info.url}${path}`, { method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      const group = `/subscriptions/c0ffee00-0000-4000-8000-000000000001/resourceGroups/rg-web`;
      const identity = (await (await send('PUT', `${group}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-cli?api-version=2024-11-30`, { location: 'eastus' })).json()) as { properties: { principalId: string } };
      const assignment = await send('PUT', `${group}/providers/Microsoft.Authorization/roleAssignments/0d4e6f1a-2b3c-4d5e-8f90-a1b2c3d4e5f6?api-version=2022-04-01`, {
        properties: { roleDefinitionId: '/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7', principalId: identity.properties.principalId, principalType: 'ServicePrincipal' },
      });
      assert.equal(((await assignment.json()) as { error: { code: string } }).error.code, 'PrincipalNotFound');
      child.kill('SIGTERM');
      await exitWithin(child, 10_000);
      assert.ok(await portClosesSoon(Number(new URL(info.url).port)), 'SIGTERM to npm stopped the server');
      assert.deepEqual(output.stdout.split('\n').filter((line) => line !== ''), [firstLine], 'exactly one line on stdout');
      assert.match(output.stderr, /GET \/subscriptions 503/);
      assert.ok(!output.stderr.includes(token.slice(-20)) && !output.stderr.includes(info.clientSecret), 'no token or secret on stderr');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('stops the server when SIGINT reaches the npm process', async () => {
    const { child, output } = startByNpm(['--port', '0']);
    try {
      const info = JSON.parse(await firstStdoutLine(output, child)) as FakeAzureInfo;
      const port = Number(new URL(info.url).port);
      assert.ok(await portAccepts(port), 'serving before the signal');
      child.kill('SIGINT');
      await exitWithin(child, 10_000);
      assert.ok(await portClosesSoon(port), 'SIGINT to npm stopped the server');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('refuses bad arguments with a usage message', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fake-azure/cli.ts', '--page-size', 'lots'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    assert.equal(code, 1);
    assert.match(stderr, /--page-size needs a whole number/);
    assert.match(stderr, /Usage: npm run fake-azure/);
  });
});
