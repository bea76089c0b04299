// `npm run fake-azure` as a new user runs it: one JSON line on stdout, a working HTTPS endpoint, a clean stop.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import type { FakeAzureInfo } from '../types';

const repoRoot = join(__dirname, '..', '..', '..');

describe('fake Azure command line', () => {
  it('prints one JSON line, serves with the given page size and faults, and stops on SIGTERM', async () => {
    const faultsFile = join(mkdtempSync(join(tmpdir(), 'fake-azure-')), 'faults.json');
    writeFileSync(faultsFile, JSON.stringify([{ kind: 'status', status: 503, path: '^/subscriptions$', retryAfterSeconds: 1 }]));
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fake-azure/cli.ts', '--port', '0', '--page-size', '1', '--faults', faultsFile], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      const lines = createInterface({ input: child.stdout });
      const [firstLine] = (await once(lines, 'line')) as [string];
      const info = JSON.parse(firstLine) as FakeAzureInfo & { pageSize: number };
      assert.match(info.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      for (const key of ['caFile', 'resourceManagerEndpoint', 'graphEndpoint', 'authorityHost', 'tenantId', 'clientId', 'clientSecret'] as const) assert.ok(info[key], key);
      assert.equal(info.pageSize, 1);
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
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number];
      assert.equal(code, 0);
      assert.match(stderr, /GET \/subscriptions 503/);
      assert.ok(!stderr.includes(token.slice(-20)) && !stderr.includes(info.clientSecret), 'no token or secret on stderr');
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
