// A real VS Code with the packaged extension, pointed at a fake Azure: fresh profile folders, settings, the
// extension host's environment, and the window itself. Shared by the e2e harness and `npm run sandbox`.
// The VS Code host is chosen by run.ts: code-server (offline machines, see ../../../shared/vscode-in-a-browser.md)
// or desktop VS Code downloaded by @vscode/test-electron (E2E_VSCODE_HOST=electron, E2E_VSCODE_EXECUTABLE=path).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, _electron, type Browser, type ElectronApplication, type Page } from 'playwright-core';
import type { FakeAzureInfo, Seed } from '../fake-azure/types';
import { reapGroupWhenGone } from '../support/lifetime';
import { ensureCodeServer, repoRoot, type CodeServerInstall } from './codeServer';

export const resultsDir = path.join(repoRoot, 'test-results');
export const demoSeedPath = path.join(repoRoot, 'test', 'fake-azure', 'seeds', 'demo.json');
export const vsixPath = path.join(repoRoot, 'dist', 'vm-identities.vsix');
export const chromiumPath = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';
/**
 * The name the test browser reaches the fake Entra's sign-in pages by. VS Code in a remote window (code-server)
 * rewrites every localhost URL it opens with vscode.env.openExternal into a port-forwarding proxy URL, which a sign-in
 * page must not go through; a real authority is never localhost. Chromium maps this name to the fake's 127.0.0.1.
 */
export const fakeEntraBrowserHost = 'login.fake-azure.test';
export const chromiumArgs = [
  `--host-resolver-rules=MAP ${fakeEntraBrowserHost} 127.0.0.1`,
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A service principal of the seed that VS Code signs in as. */
export interface Credentials {
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

/**
 * A service principal of the seed file by display name (sp-identity-admin, sp-reader, sp-vm-contributor). Read from
 * the seed itself: the fake's state is not where secrets are meant to be read back from.
 */
export function seedPrincipal(seedFile: string, displayName: string): Credentials {
  const seed = JSON.parse(fs.readFileSync(seedFile, 'utf8')) as Seed;
  const principal = seed.principals.find((p) => p.displayName === displayName);
  if (!principal?.appId || !principal.secret) throw new Error(`${seedFile} has no service principal ${displayName} with a secret`);
  return { tenantId: principal.tenantId, clientId: principal.appId, clientSecret: principal.secret };
}

/** Builds dist/vm-identities.vsix once per run (run.ts sets E2E_VSIX after building it). */
export function packageVsix(log: (line: string) => void = () => {}): string {
  if (process.env.E2E_VSIX && fs.existsSync(process.env.E2E_VSIX)) return process.env.E2E_VSIX;
  log('Packaging the extension (npm run package) ...');
  const result = spawnSync('npm', ['run', '--silent', 'package'], { cwd: repoRoot, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm run package failed:\n${result.stdout}\n${result.stderr}`);
  if (!fs.existsSync(vsixPath)) throw new Error(`npm run package did not produce ${vsixPath}`);
  process.env.E2E_VSIX = vsixPath;
  return vsixPath;
}

/** How the workbench signs in: a seed service principal from the environment, or VS Code's Microsoft account. */
export type SignInKind = 'servicePrincipal' | 'vscode';

/**
 * The settings that point a sign-in at the fake Azure. VS Code's Microsoft account follows only
 * microsoft-sovereign-cloud.*: a custom environment whose login, ARM and management endpoints are the fake's (Entra's
 * root form, `${url}/{tenant}/oauth2/...`), plus the Graph endpoint the extension reads from it.
 */
export function signInSettings(info: FakeAzureInfo, kind: SignInKind): Record<string, unknown> {
  if (kind === 'vscode') {
    const root = `${info.url}/`;
    return {
      'azureVmIdentities.signInMethod': 'vscode',
      'microsoft-sovereign-cloud.environment': 'custom',
      'microsoft-sovereign-cloud.customEnvironment': {
        name: 'FakeAzure',
        portalUrl: root,
        managementEndpointUrl: root,
        resourceManagerEndpointUrl: root,
        activeDirectoryEndpointUrl: root,
        activeDirectoryResourceId: root,
        microsoftGraphEndpointUrl: info.graphEndpoint,
      },
    };
  }
  return {
    'azureVmIdentities.signInMethod': 'servicePrincipal',
    'azureVmIdentities.customCloud': {
      resourceManagerEndpoint: info.resourceManagerEndpoint,
      graphEndpoint: info.graphEndpoint,
      authorityHost: info.authorityHost,
    },
  };
}

/**
 * The test-only stand-in for VS Code's Microsoft authentication (test/e2e/microsoft-auth-stand-in), packaged once per
 * run. It is installed only into test profiles, never into the extension's VSIX.
 */
export function packageMicrosoftAuthStandIn(): string {
  const out = path.join(resultsDir, 'microsoft-auth-stand-in.vsix');
  if (fs.existsSync(out)) return out;
  fs.mkdirSync(resultsDir, { recursive: true });
  const result = spawnSync('npx', ['vsce', 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', out], {
    cwd: path.join(repoRoot, 'test', 'e2e', 'microsoft-auth-stand-in'),
    encoding: 'utf8',
  });
  if (result.status !== 0 || !fs.existsSync(out)) throw new Error(`packaging the Microsoft authentication stand-in failed:\n${result.stdout}\n${result.stderr}`);
  return out;
}

/** What the Microsoft authentication stand-in reads from its environment: the authority as the browser reaches it. */
export function microsoftAuthStandInEnv(info: FakeAzureInfo): NodeJS.ProcessEnv {
  return { MICROSOFT_AUTH_STAND_IN_BROWSER_AUTHORITY: `https://${fakeEntraBrowserHost}:${new URL(info.url).port}/` };
}

/** User settings that point the extension at the fake Azure and keep VS Code's own first-run UI out of the way. */
export function userSettings(info: FakeAzureInfo, kind: SignInKind = 'servicePrincipal'): Record<string, unknown> {
  return {
    ...signInSettings(info, kind),
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'workbench.enableExperiments': false,
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'chat.disableAIFeatures': true,
    'chat.commandCenter.enabled': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'git.enabled': false,
    'window.commandCenter': false,
    // Hovers (tooltips of rows and quick-pick items) would cover what the next click aims at.
    'workbench.hover.delay': 30000,
    'editor.hover.delay': 30000,
  };
}

/**
 * The environment VS Code's extension host inherits: the fake's CA, and the principal's AZURE_* credentials (none
 * for VS Code's Microsoft account, which signs in interactively).
 */
export function extensionHostEnv(info: FakeAzureInfo, credentials: Credentials | undefined): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('AZURE_') && !key.toLowerCase().startsWith('npm_') && key !== 'NODE_OPTIONS'),
  );
  if (!credentials) return { ...env, NODE_EXTRA_CA_CERTS: info.caFile };
  return {
    ...env,
    NODE_EXTRA_CA_CERTS: info.caFile,
    AZURE_TENANT_ID: credentials.tenantId,
    AZURE_CLIENT_ID: credentials.clientId,
    AZURE_CLIENT_SECRET: credentials.clientSecret,
    AZURE_AUTHORITY_HOST: info.authorityHost,
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function runQuiet(command: string, args: string[], env?: NodeJS.ProcessEnv): void {
  const result = spawnSync(command, args, { encoding: 'utf8', env });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
}

/** Fresh user-data, extensions and workspace folders, with the VSIX installed and settings written. */
export interface Profile {
  root: string;
  userDataDir: string;
  extensionsDir: string;
  workspaceDir: string;
}

export function createProfile(name: string, settings: Record<string, unknown>): Profile {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `vmi-${name}-`));
  const profile = {
    root,
    userDataDir: path.join(root, 'user-data'),
    extensionsDir: path.join(root, 'extensions'),
    workspaceDir: path.join(root, 'workspace'),
  };
  for (const dir of [profile.userDataDir, profile.extensionsDir, profile.workspaceDir]) fs.mkdirSync(dir, { recursive: true });
  // User settings, and the same as Machine settings: in code-server the window is remote, and VS Code applies
  // machine-scoped settings (the extension's sign-in and cloud settings are machine-scoped) only from there.
  for (const scope of ['User', 'Machine']) {
    fs.mkdirSync(path.join(profile.userDataDir, scope), { recursive: true });
    fs.writeFileSync(path.join(profile.userDataDir, scope, 'settings.json'), JSON.stringify(settings, null, 2));
  }
  fs.writeFileSync(path.join(profile.workspaceDir, 'README.txt'), 'Workspace of an end-to-end test.\n');
  return profile;
}

/** A running code-server serving the profile. */
export class CodeServer {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
    readonly logFile: string,
  ) {}

  static installExtension(install: CodeServerInstall, profile: Profile, vsix: string): void {
    runQuiet(install.node, [install.entry, '--config', path.join(profile.root, 'code-server.yaml'), '--extensions-dir', profile.extensionsDir, '--user-data-dir', profile.userDataDir, '--install-extension', vsix]);
  }

  static async start(install: CodeServerInstall, profile: Profile, env: NodeJS.ProcessEnv, logFile: string, port?: number): Promise<CodeServer> {
    port ??= await freePort();
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    const log = fs.openSync(logFile, 'w');
    const child = spawn(
      install.node,
      [
        install.entry,
        '--config', path.join(profile.root, 'code-server.yaml'),
        '--auth', 'none',
        '--bind-addr', `127.0.0.1:${port}`,
        '--user-data-dir', profile.userDataDir,
        '--extensions-dir', profile.extensionsDir,
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
        '--ignore-last-opened',
        profile.workspaceDir,
      ],
      { env, stdio: ['ignore', log, log], detached: true },
    );
    fs.closeSync(log);
    // Detached so stop() can end its whole group (the extension hosts too); reaped if we die without stopping it.
    if (child.pid !== undefined) reapGroupWhenGone(child.pid);
    const server = new CodeServer(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(profile.workspaceDir)}`, child, logFile);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}; see ${logFile}`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (response.ok) return server;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await server.stop();
    throw new Error(`code-server did not answer within 60 s; see ${logFile}`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.pid === undefined) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    // code-server runs in its own process group; end it and its extension host together.
    try {
      process.kill(-this.child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-(this.child.pid as number), 'SIGKILL');
      } catch {
        // already gone
      }
    }, 5000);
    await exited;
    clearTimeout(timer);
  }
}

/** One VS Code window with the extension, wherever it runs. */
export interface Host {
  readonly kind: 'code-server' | 'vscode-electron';
  readonly page: Page;
  reload(): Promise<void>;
  stop(): Promise<void>;
}

/** The window's console (where VS Code reports extension activation errors) goes to a file under test-results/. */
function recordConsole(page: Page, file: string): void {
  const stream = fs.createWriteStream(file);
  page.on('console', (message) => stream.write(`[${message.type()}] ${message.text()}\n`));
  page.on('pageerror', (error) => stream.write(`[pageerror] ${error.message}\n`));
  page.on('close', () => stream.end());
}

export async function startCodeServerHost(name: string, profile: Profile, env: NodeJS.ProcessEnv, vsix: string, extraVsixes: string[] = []): Promise<Host> {
  const install = await ensureCodeServer((line) => console.log(line));
  for (const file of [vsix, ...extraVsixes]) CodeServer.installExtension(install, profile, file);
  const server = await CodeServer.start(install, profile, env, path.join(resultsDir, `${name}.code-server.log`));
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
    // The sign-in tabs that VS Code opens (vscode.env.openExternal) show the fake Entra's pages, served with the test CA.
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, ignoreHTTPSErrors: true });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(server.url).origin });
    const page = await context.newPage();
    recordConsole(page, path.join(resultsDir, `${name}.browser-console.log`));
    // A loaded machine (several VS Codes at once) can take longer than the default 30 s to serve the first page.
    await page.goto(server.url, { timeout: 120_000 });
    const openedBrowser = browser;
    return {
      kind: 'code-server',
      page,
      reload: async () => {
        await page.reload({ timeout: 120_000 });
      },
      stop: async () => {
        await openedBrowser.close().catch(() => {});
        await server.stop();
      },
    };
  } catch (error) {
    await browser?.close().catch(() => {});
    await server.stop();
    throw error;
  }
}

export async function startElectronHost(name: string, profile: Profile, env: NodeJS.ProcessEnv, vsix: string, extraVsixes: string[] = []): Promise<Host> {
  const executable = process.env.E2E_VSCODE_EXECUTABLE;
  if (!executable) throw new Error('E2E_VSCODE_HOST=electron needs E2E_VSCODE_EXECUTABLE (set by run.ts)');
  const { resolveCliArgsFromVSCodeExecutablePath } = await import('@vscode/test-electron');
  const [cli, ...cliArgs] = resolveCliArgsFromVSCodeExecutablePath(executable);
  for (const file of [vsix, ...extraVsixes]) {
    runQuiet(cli, [...cliArgs, '--extensions-dir', profile.extensionsDir, '--user-data-dir', profile.userDataDir, '--install-extension', file]);
  }
  const app: ElectronApplication = await _electron.launch({
    executablePath: executable,
    args: [
      '--extensions-dir', profile.extensionsDir,
      '--user-data-dir', profile.userDataDir,
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
      '--disable-telemetry',
      '--no-cached-data',
      profile.workspaceDir,
    ],
    env: env as Record<string, string>,
  });
  const page = await app.firstWindow();
  recordConsole(page, path.join(resultsDir, `${name}.window-console.log`));
  return {
    kind: 'vscode-electron',
    page,
    reload: async () => {
      await page.reload();
    },
    stop: async () => {
      await app.close().catch(() => {});
    },
  };
}

