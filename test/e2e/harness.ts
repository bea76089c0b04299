// End-to-end harness: the fake Azure in-process, the packaged VSIX installed into a fresh real VS Code, and
// Chromium (or VS Code's own Electron window) driven through playwright-core as a person would.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before } from 'node:test';
import { startFakeAzureForTests } from '../fake-azure/testing';
import { secretFindingsInFiles } from '../secretScan';
import type { RunningFakeAzure } from '../fake-azure/server';
import type { FakeState, FaultRule, StateVirtualMachine } from '../fake-azure/types';
import {
  createProfile,
  demoSeedPath,
  extensionHostEnv,
  microsoftAuthStandInEnv,
  packageMicrosoftAuthStandIn,
  packageVsix,
  resultsDir,
  seedPrincipal,
  startCodeServerHost,
  startElectronHost,
  userSettings,
  type Host,
  type Profile,
  type SignInKind,
} from './vscodeHost';
import { Workbench } from './workbench';

export interface SessionOptions {
  /** Names the screenshots and logs of this session. */
  name: string;
  /** The seed principal VS Code signs in as; default the full-rights sp-identity-admin. */
  principal?: string;
  /** The opened folder's .vscode/settings.json, if any (asked for when the session starts). */
  workspaceSettings?: () => Record<string, unknown>;
  /**
   * 'vscode': the extension's default sign-in, VS Code's Microsoft account, pointed at the fake through
   * microsoft-sovereign-cloud.customEnvironment and served by the test stand-in (test/e2e/microsoft-auth-stand-in).
   * The window starts signed out. Default 'servicePrincipal' (`principal`, from the environment).
   */
  signIn?: SignInKind;
  /** The fake's page size for every list (default 50): 1 makes even the demo seed's lists long. */
  fakePageSize?: number;
}

/**
 * One fake Azure and one VS Code window for a test file. Scenarios call `fresh()` first: it resets the fake to the
 * seed and reloads the window, so each starts from the demo state with the tree freshly loaded.
 */
export class E2ESession {
  private constructor(
    readonly fake: RunningFakeAzure,
    private readonly host: Host,
    readonly workbench: Workbench,
    readonly name: string,
    private readonly profile: Profile,
  ) {}

  static async start(options: SessionOptions): Promise<E2ESession> {
    fs.mkdirSync(resultsDir, { recursive: true });
    const vsix = packageVsix((line) => console.log(line));
    const fake = await startFakeAzureForTests({ seed: demoSeedPath, ...(options.fakePageSize ? { pageSize: options.fakePageSize } : {}) });
    let host: Host | undefined;
    let profile: Profile | undefined;
    try {
      const signIn = options.signIn ?? 'servicePrincipal';
      if (signIn === 'vscode' && process.env.E2E_VSCODE_HOST === 'electron') {
        // Desktop VS Code opens vscode.env.openExternal's sign-in page in the system browser, out of playwright's reach.
        throw new Error(`${options.name}: VS Code sign-in scenarios need the code-server host (E2E_VSCODE_HOST=code-server), where the sign-in page opens as a tab of the test's browser`);
      }
      const credentials = signIn === 'servicePrincipal' ? seedPrincipal(demoSeedPath, options.principal ?? 'sp-identity-admin') : undefined;
      profile = createProfile(options.name, userSettings(fake.info, signIn));
      if (options.workspaceSettings) writeWorkspaceSettings(profile, options.workspaceSettings());
      const env = { ...extensionHostEnv(fake.info, credentials), ...(signIn === 'vscode' ? microsoftAuthStandInEnv(fake.info) : {}) };
      const extra = signIn === 'vscode' ? [packageMicrosoftAuthStandIn()] : [];
      host = process.env.E2E_VSCODE_HOST === 'electron' ? await startElectronHost(options.name, profile, env, vsix, extra) : await startCodeServerHost(options.name, profile, env, vsix, extra);
      const workbench = new Workbench(host.page, resultsDir);
      await workbench.waitForWorkbench();
      console.log(`[e2e] ${options.name}: VS Code ready in ${host.kind}`);
      current = new E2ESession(fake, host, workbench, options.name, profile);
      return current;
    } catch (error) {
      await host?.stop().catch(() => {});
      await fake.stop();
      if (profile) keepLogsAndRemove(profile, options.name);
      throw error;
    }
  }

  get hostKind(): string {
    return this.host.kind;
  }

  state(): FakeState {
    return this.fake.getState();
  }

  vm(name: string): StateVirtualMachine {
    const vm = this.fake.getState().virtualMachines.find((candidate) => candidate.name === name);
    if (!vm) throw new Error(`fake Azure has no VM ${name}`);
    return vm;
  }

  /** Names of the user-assigned identities on a VM (the last segment of each resource id, lower case). */
  userAssignedNames(vmName: string): string[] {
    return Object.keys(this.vm(vmName).identity.userAssignedIdentities)
      .map((id) => id.split('/').pop()!.toLowerCase())
      .sort();
  }

  /** Requests that changed something (anything but GET), for "nothing changed" checks. */
  writeRequests(): { method: string; path: string; status: number }[] {
    return this.fake.requests().filter((request) => request.method !== 'GET' && !request.path.startsWith('/login/'));
  }

  /** Polls the fake's state until `check` holds (the UI may report before the tree refreshes, never the reverse). */
  async waitForState(description: string, check: (state: FakeState) => boolean, timeoutMs = 30_000): Promise<FakeState> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = this.fake.getState();
      if (check(state)) return state;
      if (Date.now() > deadline) throw new Error(`fake Azure never reached: ${description}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** Writes the opened folder's .vscode/settings.json, as a person editing it would (VS Code watches the file). */
  writeWorkspaceSettings(settings: Record<string, unknown>): void {
    writeWorkspaceSettings(this.profile, settings);
  }

  /** The extension's own log (its "Azure VM Managed Identities" log channel) as VS Code wrote it so far. */
  extensionLog(): string {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith('Azure VM Managed Identities.log')) files.push(full);
      }
    };
    const logs = path.join(this.profile.userDataDir, 'logs');
    if (fs.existsSync(logs)) walk(logs);
    return files.sort().map((file) => fs.readFileSync(file, 'utf8')).join('\n');
  }

  addFaults(rules: FaultRule[]): void {
    this.fake.addFaults(rules);
  }

  /** "Developer: Reload Window" (state is saved first, the extension starts again), without touching the fake. */
  async reloadWindow(): Promise<void> {
    const navigated = this.workbench.page.waitForEvent('framenavigated', { timeout: 30_000 });
    await this.workbench.runCommand('Developer: Reload Window');
    await navigated;
    await this.workbench.waitForWorkbench();
    await this.workbench.openManagedIdentities();
  }

  /** Back to the seed, faults cleared, window reloaded and the Managed Identities view open. */
  async fresh(): Promise<void> {
    this.fake.clearFaults();
    this.fake.reset();
    await this.host.reload();
    await this.workbench.waitForWorkbench();
    await this.workbench.openManagedIdentities();
  }

  async screenshot(scenario: string): Promise<string> {
    return this.workbench.screenshot(scenario);
  }

  async stop(): Promise<void> {
    await this.host.stop().catch((error: unknown) => console.error(`[e2e] stopping VS Code: ${String(error)}`));
    await this.fake.stop();
    keepLogsAndRemove(this.profile, this.name);
    if (current === this) current = undefined;
    assertNoSecretsInLogs(this.name);
  }
}

function writeWorkspaceSettings(profile: Profile, settings: Record<string, unknown>): void {
  fs.mkdirSync(path.join(profile.workspaceDir, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(profile.workspaceDir, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2));
}

/** VS Code's logs (extension host, the extension's own log channel) go to test-results/<name>-logs; the rest is deleted. */
function keepLogsAndRemove(profile: Profile, name: string): void {
  const logs = path.join(profile.userDataDir, 'logs');
  if (fs.existsSync(logs)) fs.cpSync(logs, path.join(resultsDir, `${name}-logs`), { recursive: true });
  fs.rmSync(profile.root, { recursive: true, force: true });
}

/** Every log the session kept (VS Code's and the extension's, code-server's, the browser console) holds no token, no
 *  Authorization header and no seed principal's secret (issue 13's guarantee): the session's file then fails. */
function assertNoSecretsInLogs(name: string): void {
  const seed = JSON.parse(fs.readFileSync(demoSeedPath, 'utf8')) as { principals: { secret?: string }[] };
  const secrets = seed.principals.flatMap((principal) => (principal.secret ? [principal.secret] : []));
  const logs = [`${name}-logs`, `${name}.code-server.log`, `${name}.browser-console.log`].map((file) => path.join(resultsDir, file));
  const findings = secretFindingsInFiles(logs, secrets);
  if (findings.length > 0) throw new Error(`secrets in the logs of ${name}:\n  ${findings.join('\n  ')}`);
}

let current: E2ESession | undefined;

/**
 * A scenario for node:test, run in the file's session: it starts from the seed with a freshly loaded window, keeps a
 * screenshot of its end (test-results/<slug>.png), and on failure keeps <slug>-FAILED.png and adds what was on screen
 * and what reached the fake Azure to the error, so a failure explains itself.
 */
export function scenario(slug: string, body: (session: E2ESession) => Promise<void>): () => Promise<void> {
  return async () => {
    const session = current;
    if (!session) throw new Error('no E2ESession started (start one in before())');
    try {
      await session.fresh();
      await body(session);
      await session.workbench.page.waitForTimeout(800); // let notifications and quick inputs finish fading
      await session.screenshot(slug);
    } catch (error) {
      await session.screenshot(`${slug}-FAILED`).catch(() => {});
      const notifications = await session.workbench.notificationTexts().catch(() => []);
      const writes = session.writeRequests().map((request) => `${request.method} ${request.path} -> ${request.status}`);
      if (error instanceof Error) {
        error.message += `\n  notifications: ${JSON.stringify(notifications)}\n  writes to the fake: ${JSON.stringify(writes)}`;
      }
      throw error;
    }
  };
}

/** Starts one session (fake Azure + VS Code) before a test file's scenarios and stops it after them. */
export function useSession(options: SessionOptions): void {
  let session: E2ESession | undefined;
  before(async () => {
    session = await E2ESession.start(options);
  });
  after(async () => {
    await session?.stop();
  });
}
