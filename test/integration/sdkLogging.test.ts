// The Azure SDK's own logging (AZURE_LOG_LEVEL, @azure/logger) is off unless a person turns it on. When it is on,
// its redaction must keep tokens and secrets out: this runs real calls in a child process with verbose logging and
// checks what the SDK wrote.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import type { RunningFakeAzure } from '../fake-azure/server';
import { demo, environmentFor, startFake } from './harness';

let fake: RunningFakeAzure;
before(async () => {
  fake = await startFake();
});
after(async () => fake.stop());

function run(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'sdkLogRun.ts')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

it('with AZURE_LOG_LEVEL=verbose the SDK logs requests but redacts Authorization, tokens and secrets', async () => {
  const { code, stdout, stderr } = await run({ ...process.env, ...environmentFor(fake), AZURE_LOG_LEVEL: 'verbose' });
  assert.equal(code, 0, stderr.slice(-2000));
  assert.match(stdout, /listed 2 subscriptions/);
  // The SDK did log (so the check below is not vacuous): requests with their headers, Authorization redacted.
  assert.match(stderr, /Request: \{/);
  assert.match(stderr, /"authorization": "REDACTED"/i);
  assert.ok(!/eyJ[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}/.test(stderr), 'a JWT reached the SDK log');
  assert.ok(!stderr.includes(demo.admin.secret!), 'the client secret reached the SDK log');
  assert.ok(!/Bearer [A-Za-z0-9]/.test(stderr), 'a bearer token reached the SDK log');
});
