// End-to-end harness: the fake Azure in-process, the packaged VSIX installed into a fresh real VS Code, and
// Chromium (or VS Code's own Electron window) driven through playwright-core as a person would.
import * as fs from 'node:fs';
import { startFakeAzureForTests } from '../fake-azure/testing';
import type { RunningFakeAzure } from '../fake-azure/server';
import type { FakeState, FaultRule, StateVirtualMachine } from '../fake-azure/types';
import {
  createProfile,
  demoSeedPath,
  extensionHostEnv,
  packageVsix,
  resultsDir,
  seedPrincipal,
  startCodeServerHost,
  startElectronHost,
  userSettings,
  type Host,
} from './vscodeHost';
import { Workbench } from './workbench';

export interface SessionOptions {
  /** Names the screenshots and logs of this session. */
  name: string;
  /** The seed principal VS Code signs in as; default the full-rights sp-identity-admin. */
  principal?: string;
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
  ) {}

  static async start(options: SessionOptions): Promise<E2ESession> {
    fs.mkdirSync(resultsDir, { recursive: true });
    const vsix = packageVsix((line) => console.log(line));
    const fake = await startFakeAzureForTests({ seed: demoSeedPath });
    let host: Host | undefined;
    try {
      const credentials = seedPrincipal(fake.getState(), options.principal ?? 'sp-identity-admin');
      const profile = createProfile(options.name, userSettings(fake.info));
      const env = extensionHostEnv(fake.info, credentials);
      host = process.env.E2E_VSCODE_HOST === 'electron' ? await startElectronHost(profile, env, vsix) : await startCodeServerHost(options.name, profile, env, vsix);
      const workbench = new Workbench(host.page, resultsDir);
      await workbench.waitForWorkbench();
      console.log(`[e2e] ${options.name}: VS Code ready in ${host.kind}`);
      return new E2ESession(fake, host, workbench, options.name);
    } catch (error) {
      await host?.stop().catch(() => {});
      await fake.stop();
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

  addFaults(rules: FaultRule[]): void {
    this.fake.addFaults(rules);
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
  }
}
