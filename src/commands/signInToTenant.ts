import * as vscode from 'vscode';
import type { IActionContext } from '../ui/azext';
import { ensureSignedIn } from './resolveHost';
import { pickOne } from '../ui/quickPick';
import type { Services } from './services';
import { tenantItems } from '../ui/quickPickItems';

const t = vscode.l10n.t;

/** VS Code sign-in: lists the tenants of the signed-in accounts that still need a sign-in, and signs in to one. */
export async function signInToTenant(context: IActionContext, services: Services): Promise<void> {
  await ensureSignedIn(services);
  const tenant = await pickOne(context, services.session.tenantsNeedingSignIn().then(tenantItems), {
    placeHolder: t('Select a tenant to sign in to'),
    loadingPlaceHolder: t('Loading tenants...'),
    noPicksMessage: t('You are signed in to every tenant of your accounts'),
    stepName: 'tenant',
  });
  await services.session.signIn(tenant.tenantId);
  services.log.info(`Signed in to tenant ${tenant.tenantId}.`);
}
