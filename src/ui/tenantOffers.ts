// After a VS Code sign-in, says what the tree cannot show by itself: tenants that need their own sign-in (offering
// "Sign in to Another Tenant..."), and accounts in more tenants than are listed (offering "Choose Tenants...").
// Each message is shown once per sign-in state, not on every refresh.
import * as vscode from 'vscode';
import { quoteList } from '../identity/localize';
import type { AccountSession } from './accountSession';

const t = vscode.l10n.t;

/** Runs the command when the message's one button is clicked; messages are not awaited, so they show side by side. */
function offer(answer: Thenable<string | undefined>, command: string): void {
  void Promise.resolve(answer).then((button) => (button ? vscode.commands.executeCommand(command) : undefined));
}

export class TenantOffers {
  private shown = new Set<string>();

  constructor(
    private readonly session: AccountSession,
    private readonly log: { info(message: string): void },
  ) {}

  async check(): Promise<void> {
    if (this.session.status !== 'signedIn' || this.session.signInMethod !== 'vscode') {
      this.shown.clear();
      return;
    }
    const [needing, plan] = await Promise.all([this.session.tenantsNeedingSignIn(), this.session.tenants()]);
    const names = needing.map((tenant) => tenant.displayName ?? tenant.tenantId);
    if (names.length > 0 && this.once(`signIn:${names.join()}`)) {
      const message = names.length === 1
        ? t('{0} needs its own sign-in; its subscriptions are not shown yet.', names[0])
        : t('{0} need their own sign-in; their subscriptions are not shown yet.', quoteList(names));
      this.log.info(message);
      offer(vscode.window.showInformationMessage(message, t('Sign in to Another Tenant...')), 'azureVmIdentities.signInToTenant');
    }
    for (const limit of plan.limits) {
      if (!this.once(`limit:${limit.accountLabel}:${limit.total}`)) continue;
      const message = t(
        '{0} belongs to {1} tenants. Subscriptions are listed from the first {2} only; choose the tenants to list.',
        limit.accountLabel,
        limit.total,
        limit.listed,
      );
      this.log.info(message);
      offer(vscode.window.showWarningMessage(message, t('Choose Tenants...')), 'azureVmIdentities.chooseTenants');
    }
  }

  private once(key: string): boolean {
    if (this.shown.has(key)) return false;
    this.shown.add(key);
    return true;
  }
}
