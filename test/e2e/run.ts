// `npm run test:e2e`: packages the extension once, picks the real VS Code to test in, and runs the scenarios
// (test/e2e/*.e2e.ts) with Node's test runner, one file at a time. Exits non-zero on any failure; the output ends
// with the test runner's summary.
//
// Where VS Code can be downloaded (developers' machines, CI elsewhere), @vscode/test-electron fetches desktop VS Code
// and the scenarios drive its Electron window. Where it cannot (these offline machines), code-server from the npm
// registry serves the same VS Code to Debian's Chromium. E2E_VSCODE_HOST=code-server|electron forces the choice.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureCodeServer, repoRoot } from './codeServer';
import { packageVsix, resultsDir } from './vscodeHost';

const downloadTimeoutMs = Number(process.env.E2E_VSCODE_DOWNLOAD_TIMEOUT_MS ?? 15_000);

interface HostChoice {
  host: 'code-server' | 'electron';
  reason: string;
  env: NodeJS.ProcessEnv;
  /** Command prefix (xvfb-run for a headless Linux with Electron). */
  wrapper: string[];
}

function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** Desktop VS Code from @vscode/test-electron's cache or download, or undefined when it cannot be had quickly. */
async function tryDownloadVsCode(): Promise<{ executable?: string; error?: string }> {
  try {
    const { downloadAndUnzipVSCode } = await import('@vscode/test-electron');
    const download = downloadAndUnzipVSCode({ timeout: downloadTimeoutMs, cachePath: path.join(repoRoot, '.vscode-test') });
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer within ${downloadTimeoutMs / 1000} s`)), downloadTimeoutMs * 2).unref(),
    );
    return { executable: await Promise.race([download, timeout]) };
  } catch (error) {
    return { error: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  }
}

async function chooseHost(): Promise<HostChoice> {
  const forced = process.env.E2E_VSCODE_HOST;
  if (forced && forced !== 'code-server' && forced !== 'electron') throw new Error(`E2E_VSCODE_HOST must be code-server or electron, not ${forced}`);
  if (forced === 'code-server') return { host: 'code-server', reason: 'E2E_VSCODE_HOST=code-server', env: {}, wrapper: [] };

  console.log(`[e2e] trying to download VS Code with @vscode/test-electron (timeout ${downloadTimeoutMs / 1000} s) ...`);
  const { executable, error } = await tryDownloadVsCode();
  if (!executable) {
    if (forced === 'electron') throw new Error(`E2E_VSCODE_HOST=electron, but VS Code could not be downloaded: ${error}`);
    return { host: 'code-server', reason: `VS Code could not be downloaded: ${error}`, env: {}, wrapper: [] };
  }
  // Desktop VS Code needs a display; on a headless Linux, xvfb-run provides one.
  const linuxWithoutDisplay = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
  if (linuxWithoutDisplay && !hasCommand('xvfb-run')) {
    if (forced === 'electron') throw new Error('E2E_VSCODE_HOST=electron, but there is no display and no xvfb-run');
    return { host: 'code-server', reason: `VS Code was downloaded (${executable}) but there is no display and no xvfb-run`, env: {}, wrapper: [] };
  }
  return {
    host: 'electron',
    reason: `@vscode/test-electron provided ${executable}`,
    env: { E2E_VSCODE_HOST: 'electron', E2E_VSCODE_EXECUTABLE: executable },
    wrapper: linuxWithoutDisplay ? ['xvfb-run', '-a'] : [],
  };
}

async function main(): Promise<number> {
  const files = (process.argv.slice(2).length ? process.argv.slice(2) : fs.readdirSync(__dirname).filter((file) => file.endsWith('.e2e.ts')).sort().map((file) => path.join(__dirname, file)))
    .map((file) => path.relative(repoRoot, path.resolve(file)));
  if (files.length === 0) throw new Error('no end-to-end scenarios (test/e2e/*.e2e.ts) found');

  const choice = await chooseHost();
  if (choice.host === 'code-server') {
    const install = await ensureCodeServer((line) => console.log(`[e2e] ${line}`));
    console.log(`[e2e] VS Code host: code-server ${install.version} in Chromium (${choice.reason})`);
  } else {
    console.log(`[e2e] VS Code host: desktop VS Code through @vscode/test-electron (${choice.reason})`);
  }
  fs.rmSync(resultsDir, { recursive: true, force: true });
  fs.mkdirSync(resultsDir, { recursive: true });
  const vsix = packageVsix((line) => console.log(`[e2e] ${line}`));
  console.log(`[e2e] ${files.length} scenario files; screenshots and logs go to ${path.relative(repoRoot, resultsDir)}/`);

  const args = ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files];
  const [command, ...prefix] = [...choice.wrapper, process.execPath];
  const child = spawn(command, [...prefix, ...args], {
    cwd: repoRoot,
    stdio: 'inherit',
    // The scenarios talk to the fake Azure themselves too (state, and changes "behind the extension's back").
    env: { ...process.env, ...choice.env, E2E_VSIX: vsix, NODE_EXTRA_CA_CERTS: path.join(repoRoot, 'test', 'fake-azure', 'certs', 'ca.pem') },
  });
  const code = await new Promise<number>((resolve) => child.on('close', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0))));
  return code;
}

main()
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    console.error(`[e2e] ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  });
