// The signed-in state the tree and commands see, over the current AzureAccount of src/azure (extension.ts rebuilds it
// when the sign-in settings change). IdentityOperations keeps working through `clientProvider`, which always asks the
// current account. onDidChange fires after every rebuild and every change the account reports (sign-in, sign-out,
// another account or tenant), even when the status stays "signedIn": the subscriptions may differ all the same.
// When no account can be made (e.g. service-principal variables missing), the view shows the signed-out welcome, and
// Sign In says what is missing.
import * as vscode from 'vscode';
import type { AzureAccount, TenantNeedingSignIn } from '../azure/account';
import type { TenantPlan } from '../azure/tenantListing';
import { toIdentityError } from '../identity/errorWording';
import type { AzureClientProvider } from '../identity/ports';
import type { SignInMethod } from '../identity/model';
import { describeError } from './describeError';

export type SignInStatus = 'signingIn' | 'signedIn' | 'signedOut';

/** What the tree needs from the session: whether to list anything, and when to list again. */
export interface SessionLike {
  readonly status: SignInStatus;
  readonly onDidChange: vscode.Event<unknown>;
}

const STATUS_CONTEXT_KEY = 'azureVmIdentities.signInStatus';
/** The sign-in method of the current account; menus show "Sign in to Another Tenant..." only for 'vscode'. */
const METHOD_CONTEXT_KEY = 'azureVmIdentities.signInMethod';

export class AccountSession implements SessionLike, vscode.Disposable {
  private currentStatus: SignInStatus = 'signingIn';
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changeEmitter.event;
  private account: AzureAccount | undefined;
  private accountError: unknown;
  private accountListener: { dispose(): void } | undefined;

  /** Reaches Azure through whichever account is current. */
  readonly clientProvider: AzureClientProvider = {
    listSubscriptions: (options) => this.current().clients.listSubscriptions(options),
    forSubscription: (subscriptionId, options) => this.current().clients.forSubscription(subscriptionId, options),
  };

  constructor(private readonly createAccount: () => AzureAccount) {
    this.build();
  }

  get status(): SignInStatus {
    return this.currentStatus;
  }

  /** The current account's sign-in method; undefined when no account could be made. */
  get signInMethod(): SignInMethod | undefined {
    return this.account?.signInMethod;
  }

  /** For the log: which sign-in is used, or why there is none. */
  get description(): string {
    return this.account ? this.account.description : describeError(this.accountError);
  }

  /** Makes the account again (the sign-in settings changed). */
  async rebuild(): Promise<void> {
    this.disposeAccount();
    this.build();
    await this.checkSignedIn({ alwaysNotify: true });
  }

  /**
   * Asks the account whether it is signed in (no prompt), and publishes the answer: onDidChange fires when the status
   * changed, or always with `alwaysNotify` (the account or its accounts/tenants changed).
   */
  async checkSignedIn(options: { alwaysNotify?: boolean } = {}): Promise<void> {
    let signedIn = false;
    try {
      signedIn = this.account ? await this.account.isSignedIn() : false;
    } catch {
      signedIn = false;
    }
    await this.setStatus(signedIn ? 'signedIn' : 'signedOut', options.alwaysNotify ?? false);
  }

  /** Signs in; with a tenant id, to that tenant (VS Code's account), keeping the tenants already signed in. */
  async signIn(tenantId?: string): Promise<void> {
    const account = this.current();
    await this.setStatus('signingIn');
    try {
      await account.signIn(tenantId);
    } catch (error) {
      throw toIdentityError(error, { localize: vscode.l10n.t, signInMethod: account.signInMethod });
    } finally {
      await this.checkSignedIn();
    }
  }

  /** Every tenant of the signed-in accounts, whether it is listed, and the accounts cut to the maximum. */
  tenants(): Promise<TenantPlan> {
    return this.current().listTenants();
  }

  /** Tenants of the signed-in accounts not signed in yet; empty for a sign-in that has one tenant only. */
  tenantsNeedingSignIn(): Promise<TenantNeedingSignIn[]> {
    return this.current().listTenantsNeedingSignIn();
  }

  dispose(): void {
    this.disposeAccount();
    this.changeEmitter.dispose();
  }

  private current(): AzureAccount {
    if (!this.account) {
      throw this.accountError;
    }
    return this.account;
  }

  private build(): void {
    try {
      this.account = this.createAccount();
      this.accountError = undefined;
      this.accountListener = this.account.onDidChange(() => void this.checkSignedIn({ alwaysNotify: true }));
    } catch (error) {
      this.account = undefined;
      this.accountError = toIdentityError(error, { localize: vscode.l10n.t });
    }
    void vscode.commands.executeCommand('setContext', METHOD_CONTEXT_KEY, this.account?.signInMethod);
  }

  private disposeAccount(): void {
    this.accountListener?.dispose();
    this.accountListener = undefined;
    this.account?.dispose();
  }

  private async setStatus(status: SignInStatus, alwaysNotify = false): Promise<void> {
    const changed = status !== this.currentStatus;
    this.currentStatus = status;
    await vscode.commands.executeCommand('setContext', STATUS_CONTEXT_KEY, status);
    if (changed || alwaysNotify) {
      this.changeEmitter.fire();
    }
  }
}
