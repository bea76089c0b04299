// `npm run sandbox` as a tester runs it: it prints what is needed to reach the fake Azure, keeps its own logs, and
// leaves nothing behind when it is stopped through npm's PID or killed outright.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { repoRoot } from './codeServer';

interface RunningSandbox {
  npm: ChildProcess;
  output: () => string;
  appUrl: string;
  fakeUrl: string;
  logDir: string;
}

const started: ChildProcess[] = [];
after(() => started.forEach((child) => child.pid && tryKill(-child.pid, 'SIGKILL')));

function tryKill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

async function startSandbox(): Promise<RunningSandbox> {
  // Its own process group, like a shell's background job, so the test can clean up whatever a failure leaves.
  const npm = spawn('npm', ['run', 'sandbox', '--', '--port', '0'], { cwd: repoRoot, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(npm);
  let text = '';
  npm.stdout!.on('data', (chunk) => (text += chunk));
  npm.stderr!.on('data', (chunk) => (text += chunk));
  const deadline = Date.now() + 180_000;
  while (!/Press Ctrl\+C/.test(text)) {
    assert.ok(npm.exitCode === null, `the sandbox exited early:\n${text}`);
    assert.ok(Date.now() < deadline, `the sandbox was not ready within 180 s:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const appUrl = /^ {4}(http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(text)?.[1];
  const fakeUrl = /Control routes +(https:\/\/127\.0\.0\.1:\d+)\/_control/.exec(text)?.[1];
  const logDir = /^Logs: (\S+)\/ /m.exec(text)?.[1];
  assert.ok(appUrl && fakeUrl && logDir, `the sandbox's output lacks the URL, the fake Azure or the logs:\n${text}`);
  return { npm, output: () => text, appUrl, fakeUrl, logDir: path.resolve(repoRoot, logDir) };
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  }
}

async function waitUntilGone(url: string, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (await answers(url)) {
    assert.ok(Date.now() < deadline, `${what} (${url}) still answers 15 s after the sandbox was stopped`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function processesMentioning(text: string): string[] {
  return fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).flatMap((pid) => {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      return cmdline.includes(text) ? [`${pid}: ${cmdline}`] : [];
    } catch {
      return [];
    }
  });
}

test('two sandboxes print how to reach the fake Azure, keep separate logs, and leave nothing behind when stopped', { timeout: 420_000 }, async () => {
  const before = new Set(processesMentioning('vmi-sandbox-'));
  const first = await startSandbox();
  const second = await startSandbox();

  const output = first.output();
  for (const needed of ['Tenant ', 'Client ID ', 'CA file ', 'Control routes ', 'Resource Manager ', 'Microsoft Graph ']) {
    assert.match(output, new RegExp(needed), `the sandbox does not print '${needed.trim()}'`);
  }
  assert.doesNotMatch(output, /fake-secret-/, 'the sandbox printed a client secret');
  assert.ok(await answers(`${first.appUrl}healthz`), 'code-server does not answer');
  assert.ok(await answers(`${first.fakeUrl}/_control`), 'the fake Azure does not answer');
  assert.notEqual(first.logDir, second.logDir, 'two sandboxes share a log folder');
  assert.ok(fs.existsSync(path.join(first.logDir, 'fake-azure.log')) && fs.existsSync(path.join(second.logDir, 'fake-azure.log')));

  // Stopped as a script would stop a background job: SIGTERM to npm's own PID.
  process.kill(first.npm.pid!, 'SIGTERM');
  await waitUntilGone(first.fakeUrl, 'the fake Azure');
  await waitUntilGone(first.appUrl, 'code-server');
  assert.ok(await answers(`${second.appUrl}healthz`), 'stopping one sandbox stopped the other');

  // Killed outright: the sandbox runs no handler, and code-server (its own process group) must still go.
  const sandboxNode = processesMentioning('test/e2e/sandbox.ts').map((line) => Number(line.split(':')[0])).filter((pid) => pid !== second.npm.pid);
  assert.ok(sandboxNode.length > 0, 'no sandbox process found');
  sandboxNode.forEach((pid) => tryKill(pid, 'SIGKILL'));
  await waitUntilGone(second.fakeUrl, 'the fake Azure');
  await waitUntilGone(second.appUrl, 'code-server');
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const left = processesMentioning('vmi-sandbox-').filter((line) => !before.has(line));
  assert.deepEqual(left, [], 'processes of a stopped sandbox are still running');
});
