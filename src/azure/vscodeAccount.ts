// The only file under src/azure that imports `vscode`: VS Code's Microsoft account, and reading the sign-in
// settings. No UI here beyond what VS Code's own sign-in shows.
import type { TokenCredential } from '@azure/core-auth';
import { getConfiguredAuthProviderId, getSessionFromVSCode, VSCodeAzureSubscriptionProvider } from '@microsoft/vscode-azext-azureauth';
import * as vscode from 'vscode';
import { GraphSignInMissingError, SignInRequiredError } from '../identity/serviceError';
import { settingsWarningText, type SettingsWarning } from '../identity/settingsWarnings';
import { AccountBase, createAzureCliAccount, createServicePrincipalAccount, type AzureAccount, type Disposable, type TenantNeedingSignIn } from './account';
import type { CloudEndpoints } from './cloud';
import { CachingClientProvider } from './clientProvider';
import { planTenantListing, type TenantPlan } from './tenantListing';
import type { Logger } from './logger';
import {
  CUSTOM_CLOUD_SETTING,
  resolveCloud,
  resolveSignInSettings,
  SETTINGS_SECTION,
  signInSettingsKey,
  SIGN_IN_METHOD_SETTING,
  SOVEREIGN_CLOUD_SECTION,
  SOVEREIGN_CUSTOM_ENVIRONMENT_SETTING,
  SOVEREIGN_ENVIRONMENT_SETTING,
  TENANTS_SETTING,
  userOrMachineValue,
  type CloudChoice,
  type ServicePrincipalEnvironment,
  type SettingInspection,
  type SignInInspections,
  type SignInSettings,
  type SovereignCloudSetting,
} from './settings';

/** What VS Code reports for every setting the sign-in depends on (all scopes; only user/machine values are used). */
function inspectSignInSettings(): SignInInspections {
  const ours = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const sovereign = vscode.workspace.getConfiguration(SOVEREIGN_CLOUD_SECTION);
  return {
    signInMethod: ours.inspect(SIGN_IN_METHOD_SETTING),
    customCloud: ours.inspect(CUSTOM_CLOUD_SETTING),
    sovereignEnvironment: sovereign.inspect(SOVEREIGN_ENVIRONMENT_SETTING),
    sovereignCustomEnvironment: sovereign.inspect(SOVEREIGN_CUSTOM_ENVIRONMENT_SETTING),
    tenants: ours.inspect(TENANTS_SETTING),
  };
}

/** Reads the sign-in settings (user/machine values only) and picks the cloud. */
export function readSignInConfiguration(env: ServicePrincipalEnvironment = process.env): { settings: SignInSettings; cloud: CloudChoice } {
  const inspections = inspectSignInSettings();
  const settings = resolveSignInSettings(inspections.signInMethod, inspections.customCloud);
  const sovereign: SovereignCloudSetting = {
    environment: userOrMachineValue(inspections.sovereignEnvironment as SettingInspection<string> | undefined).value,
    customEnvironment: userOrMachineValue(inspections.sovereignCustomEnvironment as SettingInspection<SovereignCloudSetting['customEnvironment']> | undefined).value,
  };
  return { settings, cloud: resolveCloud(settings, env, sovereign) };
}

/**
 * Tells the configuration changes that change the sign-in: a sign-in setting's user or machine value changed. A
 * change only a workspace made (its values are never read) is not one, though VS Code reports the key as affected.
 */
export class SignInSettingsWatch {
  private key = signInSettingsKey(inspectSignInSettings());

  changesSignIn(event: vscode.ConfigurationChangeEvent): boolean {
    const mayAffect =
      event.affectsConfiguration(`${SETTINGS_SECTION}.${SIGN_IN_METHOD_SETTING}`) ||
      event.affectsConfiguration(`${SETTINGS_SECTION}.${CUSTOM_CLOUD_SETTING}`) ||
      event.affectsConfiguration(`${SETTINGS_SECTION}.${TENANTS_SETTING}`) ||
      event.affectsConfiguration(SOVEREIGN_CLOUD_SECTION);
    if (!mayAffect) {
      return false;
    }
    const next = signInSettingsKey(inspectSignInSettings());
    const changed = next !== this.key;
    this.key = next;
    return changed;
  }
}

/**
 * The account the settings ask for. Settings warnings (e.g. a workspace trying to set the sign-in) go to the log
 * and are returned for the UI to show once. Throws a ServicePrincipalEnvironmentMissingError when a service
 * principal's variables are missing.
 */
export function createAzureAccount(logger: Logger, env: ServicePrincipalEnvironment = process.env): { account: AzureAccount; warnings: SettingsWarning[] } {
  const { settings, cloud } = readSignInConfiguration(env);
  const warnings = [...settings.warnings, ...cloud.warnings];
  warnings.forEach((warning) => logger.warn(settingsWarningText(warning)));
  logger.info(`Sign-in: ${settings.method}; cloud ${cloud.cloud.name} (${cloud.cloud.resourceManagerEndpoint}, tokens from ${cloud.cloud.authorityHost}; from ${cloud.source}).`);
  switch (settings.method) {
    case 'servicePrincipal':
      return { account: createServicePrincipalAccount(env, cloud.cloud, logger), warnings };
    case 'azureCli':
      return { account: createAzureCliAccount(cloud.cloud, logger), warnings };
    default:
      return { account: new VSCodeAccount(cloud.cloud, logger), warnings };
  }
}

/**
 * VS Code's Microsoft account, through @microsoft/vscode-azext-azureauth: several accounts and tenants, and
 * `microsoft-sovereign-cloud.environment` for sovereign clouds. Each subscription carries a credential for its own
 * tenant and account.
 */
export class VSCodeAccount extends AccountBase implements AzureAccount {
  readonly signInMethod = 'vscode' as const;
  readonly clients: CachingClientProvider;
  readonly description: string;
  private readonly provider: VSCodeAzureSubscriptionProvider;
  private readonly subscriptions: Disposable[] = [];

  constructor(readonly cloud: CloudEndpoints, logger: Logger, logChannel?: vscode.LogOutputChannel) {
    super();
    this.description = `VS Code's Microsoft account (${cloud.name})`;
    this.provider = new VSCodeAzureSubscriptionProvider(logChannel);
    this.clients = new CachingClientProvider(
      cloud,
      async () => {
        // The tenants of tenantListing.ts's plan, each listed through the library with a tenant filter; not the
        // Azure Resources extension's own filter (azureResourceGroups.selectedSubscriptions), which would hide
        // subscriptions that our own filter may want.
        const plan = await this.listTenants();
        const accounts = await vscode.authentication.getAccounts(getConfiguredAuthProviderId());
        const listed = plan.tenants.filter((tenant) => tenant.listed);
        const perTenant = await Promise.all(
          listed.map((tenant) => {
            const account = accounts.find((candidate) => candidate.id === tenant.accountId);
            return account ? this.provider.getSubscriptions({ account, tenantId: tenant.tenantId }) : Promise.resolve([]);
          }),
        );
        const subscriptions = perTenant.flat().filter((s) => listed.some((tenant) => tenant.tenantId === s.tenantId));
        const seen = new Set<string>();
        return subscriptions
          .filter((s) => !seen.has(s.subscriptionId) && seen.add(s.subscriptionId))
          .map((s) => ({
            subscription: { subscriptionId: s.subscriptionId, displayName: s.name, tenantId: s.tenantId },
            credential: vscodeSessionCredential(cloud, s.tenantId, s.account, false),
            promptingCredential: vscodeSessionCredential(cloud, s.tenantId, s.account, true),
          }));
      },
      logger,
    );
    this.subscriptions.push(this.provider.onDidSignIn(() => this.changed()), this.provider.onDidSignOut(() => this.changed()), this.provider);
  }

  /** VS Code answers from its own session cache, so every call is a fresh, cheap check. */
  isSignedIn(): Promise<boolean> {
    return this.provider.isSignedIn();
  }

  /** Every tenant of the signed-in accounts, whether its subscriptions are listed, and the accounts cut to the maximum. */
  async listTenants(): Promise<TenantPlan> {
    const tenants = (await this.provider.getTenants()).filter((tenant) => tenant.tenantId);
    const chosen = userOrMachineValue(vscode.workspace.getConfiguration(SETTINGS_SECTION).inspect<string[]>(TENANTS_SETTING)).value;
    return planTenantListing(
      tenants.map((tenant) => ({ tenantId: tenant.tenantId!, displayName: tenant.displayName, accountId: tenant.account.id, accountLabel: tenant.account.label })),
      Array.isArray(chosen) && chosen.length > 0 ? chosen : undefined,
    );
  }

  /** Listed tenants (see listTenants) without a session: a tenant left out of the listing is not worth a sign-in. */
  async listTenantsNeedingSignIn(): Promise<TenantNeedingSignIn[]> {
    const listed = (await this.listTenants()).tenants.filter((tenant) => tenant.listed);
    const accounts = await vscode.authentication.getAccounts(getConfiguredAuthProviderId());
    // Each answer comes from VS Code's session cache: ask about all tenants at once.
    const signedIn = await Promise.all(
      listed.map((tenant) => this.provider.isSignedIn(tenant.tenantId, accounts.find((account) => account.id === tenant.accountId))),
    );
    return listed
      .filter((_, index) => !signedIn[index])
      .map((tenant) => ({ tenantId: tenant.tenantId, displayName: tenant.displayName, accountLabel: tenant.accountLabel }));
  }

  async signIn(tenantId?: string): Promise<boolean> {
    const signedIn = await this.provider.signIn(tenantId);
    if (signedIn) {
      this.changed();
    }
    return signedIn;
  }

  override dispose(): void {
    this.subscriptions.forEach((d) => d.dispose());
    super.dispose();
  }
}

/**
 * A TokenCredential over VS Code's sessions for one tenant and account. The library's own subscription credential
 * ignores the requested scopes (it always hands out the ARM token), which Microsoft Graph would refuse.
 * Tokens are asked for silently. A Graph token may need consent once: only a `prompting` credential (used by explicit
 * actions, never by a tree expanding) lets VS Code ask the user for it.
 */
function vscodeSessionCredential(
  cloud: CloudEndpoints,
  tenantId: string,
  account: vscode.AuthenticationSessionAccountInformation,
  prompting: boolean,
): TokenCredential {
  return {
    async getToken(scopes) {
      const scopeList = Array.isArray(scopes) ? scopes : [scopes];
      const isArm = scopeList.every((scope) => scope === cloud.resourceManagerScope);
      const session =
        (await getSessionFromVSCode(scopeList, tenantId, { silent: true, account })) ??
        (isArm || !prompting ? undefined : await getSessionFromVSCode(scopeList, tenantId, { createIfNone: true, account }));
      if (!session) {
        if (!isArm) {
          throw new GraphSignInMissingError(tenantId);
        }
        throw new SignInRequiredError(tenantId);
      }
      // VS Code refreshes sessions itself and does not tell us when this one expires; asking again every few minutes
      // is cheap (it answers from its cache).
      return { token: session.accessToken, expiresOnTimestamp: Date.now() + 5 * 60_000 };
    },
  };
}
