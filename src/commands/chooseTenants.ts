import * as vscode from 'vscode';
import type { TenantListing } from '../azure/tenantListing';
import type { IActionContext, IAzureQuickPickItem } from '../ui/azext';
import { ensureSignedIn } from './resolveHost';
import type { Services } from './services';

const t = vscode.l10n.t;

/**
 * VS Code sign-in: chooses the tenants whose subscriptions are listed (every tenant of every signed-in account,
 * the listed ones ticked). Saved in the user setting azureVmIdentities.tenants, which rebuilds the sign-in.
 */
export async function chooseTenants(context: IActionContext, services: Services): Promise<void> {
  await ensureSignedIn(services);
  const plan = await services.session.tenants();
  if (plan.tenants.length === 0) {
    throw new Error(t('No tenants to choose from: your sign-in lists its subscriptions without tenants.'));
  }
  const several = new Set(plan.tenants.map((tenant) => tenant.accountId)).size > 1;
  const picks = await context.ui.showQuickPick(
    plan.tenants.map((tenant): IAzureQuickPickItem<TenantListing> => ({
      label: tenant.displayName ?? tenant.tenantId,
      description: several ? `${tenant.tenantId} · ${tenant.accountLabel}` : tenant.tenantId,
      data: tenant,
    })),
    {
      placeHolder: t('Select the tenants whose subscriptions are listed'),
      canPickMany: true,
      isPickSelected: (pick) => (pick as IAzureQuickPickItem<TenantListing>).data.listed,
      suppressPersistence: true,
      stepName: 'tenants',
    },
  );
  if (picks.length === 0) {
    throw new Error(t('Choose at least one tenant.'));
  }
  await vscode.workspace
    .getConfiguration('azureVmIdentities')
    .update('tenants', picks.map((pick) => pick.data.tenantId), vscode.ConfigurationTarget.Global);
  services.log.info(`Listing subscriptions from ${picks.length} chosen tenants.`);
}
