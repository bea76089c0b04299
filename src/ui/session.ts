// The signed-in state the tree and commands see, over the current AzureAccount of src/azure. The account is rebuilt
// when the sign-in settings change; IdentityOperations keeps working through `clientProvider`, which always asks
// the current account.
import * as vscode from 'vscode';
import type { AzureAccount } from '../azure/account';
import type { AzureClientProvider } from '../azure/clients';
import type { SessionLike, SignInStatus } from '../tree/session';

const STATUS_CONTEXT_KEY = 'azureVmIdentities.signInStatus';

export class AccountSession implements SessionLike, vscode.Disposable {
  private currentStatus: SignInStatus = 'signingIn';
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changeEmitter.event;
  private accountListener: { dispose(): void } | undefined;

  /** Reaches Azure through whichever account is current. */
  readonly clientProvider: AzureClientProvider = {
    listSubscriptions: (options) => this.account.clients.listSubscriptions(options),
    forSubscription: (subscriptionId) => this.account.clients.forSubscription(subscriptionId),
  };

  constructor(private account: AzureAccount) {
    this.listen();
  }

  get status(): SignInStatus {
    return this.currentStatus;
  }

  get description(): string {
    return this.account.description;
  }

  /** Swaps in the account new settings ask for. */
  async replaceAccount(account: AzureAccount): Promise<void> {
    this.accountListener?.dispose();
    this.account.dispose();
    this.account = account;
    this.listen();
    await this.checkSignedIn();
  }

  /** Asks the account whether it is signed in (no prompt), and publishes the answer. */
  async checkSignedIn(): Promise<void> {
    let signedIn = false;
    try {
      signedIn = await this.account.isSignedIn();
    } catch {
      signedIn = false;
    }
    await this.setStatus(signedIn ? 'signedIn' : 'signedOut');
  }

  async signIn(): Promise<void> {
    await this.setStatus('signingIn');
    try {
      await this.account.signIn();
    } finally {
      await this.checkSignedIn();
    }
  }

  dispose(): void {
    this.accountListener?.dispose();
    this.account.dispose();
    this.changeEmitter.dispose();
  }

  private listen(): void {
    this.accountListener = this.account.onDidChange(() => void this.checkSignedIn());
  }

  private async setStatus(status: SignInStatus): Promise<void> {
    const changed = status !== this.currentStatus;
    this.currentStatus = status;
    await vscode.commands.executeCommand('setContext', STATUS_CONTEXT_KEY, status);
    if (changed) {
      this.changeEmitter.fire();
    }
  }
}
