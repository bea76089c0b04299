// Which sign-in and which cloud to use, from settings and the process environment. Pure (no `vscode` import):
// vscodeAccount.ts passes in what `WorkspaceConfiguration.inspect()` returned, and the tests pass objects.
//
// Settings that choose endpoints or the sign-in decide where tokens are sent. A checked-out repository must never be
// able to set them, so they are declared with scope "application"/"machine" in package.json AND, as defence in
// depth, only user/machine values (inspect().globalValue) and defaults are read here: workspace and folder values
// are ignored and reported.
import type { SignInMethod } from '../identity/model';
import type { EndpointProblem, SettingsWarning } from '../identity/settingsWarnings';
import { trimTrailingSlashes } from '../identity/resourceIds';
import type { CloudEndpoints } from './cloud';
import {
  azurePublicCloud,
  cloudForSovereignSetting,
  customCloud,
  knownCloudForAuthorityHost,
  validateEndpoint,
  type CustomCloudEndpoints,
} from './cloud';

export const SETTINGS_SECTION = 'azureVmIdentities';
/** `azureVmIdentities.signInMethod`: "vscode" (default) | "azureCli" | "servicePrincipal". */
export const SIGN_IN_METHOD_SETTING = 'signInMethod';
/** `azureVmIdentities.customCloud`: { resourceManagerEndpoint, graphEndpoint, authorityHost } or null (default). */
export const CUSTOM_CLOUD_SETTING = 'customCloud';
/** `azureVmIdentities.tenants`: the tenant ids VS Code's sign-in lists subscriptions from; empty = the first 10 per account. */
export const TENANTS_SETTING = 'tenants';
/** VS Code's own sovereign-cloud settings (microsoft-authentication extension), used by the 'vscode' sign-in. */
export const SOVEREIGN_CLOUD_SECTION = 'microsoft-sovereign-cloud';
export const SOVEREIGN_ENVIRONMENT_SETTING = 'environment';
export const SOVEREIGN_CUSTOM_ENVIRONMENT_SETTING = 'customEnvironment';
/** Our addition to the custom environment (it allows additional properties): Microsoft Graph's root for that cloud. */
export const SOVEREIGN_GRAPH_PROPERTY = 'microsoftGraphEndpointUrl';

export const SIGN_IN_METHODS: readonly SignInMethod[] = ['vscode', 'azureCli', 'servicePrincipal'];

/** The subset of vscode's `WorkspaceConfiguration.inspect()` result that matters here. */
export interface SettingInspection<T> {
  key: string;
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

export interface TrustedValue<T> {
  value: T | undefined;
  /** True when a workspace or folder tried to set the setting (and was ignored). */
  ignoredWorkspaceValue: boolean;
}

/**
 * The value of a setting from user or machine settings only (falling back to the default), never from a workspace
 * or workspace folder. The one place this rule lives.
 */
export function userOrMachineValue<T>(inspection: SettingInspection<T> | undefined): TrustedValue<T> {
  if (!inspection) {
    return { value: undefined, ignoredWorkspaceValue: false };
  }
  return {
    value: inspection.globalValue !== undefined ? inspection.globalValue : inspection.defaultValue,
    ignoredWorkspaceValue: inspection.workspaceValue !== undefined || inspection.workspaceFolderValue !== undefined,
  };
}

/** The inspections of every setting the sign-in depends on. */
export interface SignInInspections {
  signInMethod?: SettingInspection<unknown>;
  customCloud?: SettingInspection<unknown>;
  sovereignEnvironment?: SettingInspection<unknown>;
  sovereignCustomEnvironment?: SettingInspection<unknown>;
  tenants?: SettingInspection<unknown>;
}

/**
 * What the sign-in is made from, as a string to compare: the user/machine values of its settings and nothing a
 * workspace sets. A configuration change that leaves it equal (e.g. a workspace file writing the sign-in settings,
 * which are never read from there) must not rebuild the sign-in.
 */
export function signInSettingsKey(inspections: SignInInspections): string {
  return JSON.stringify(
    (['signInMethod', 'customCloud', 'sovereignEnvironment', 'sovereignCustomEnvironment', 'tenants'] as const).map((name) => userOrMachineValue(inspections[name]).value ?? null),
  );
}

export interface SignInSettings {
  method: SignInMethod;
  /** From `azureVmIdentities.customCloud`, when set and valid. */
  customCloud?: CustomCloudEndpoints;
  /** Settings that were ignored (settingsWarningText words them for the log and a one-time warning). */
  warnings: SettingsWarning[];
}

/** Reads `azureVmIdentities.signInMethod` and `azureVmIdentities.customCloud` through {@link userOrMachineValue}. */
export function resolveSignInSettings(
  signInMethod: SettingInspection<unknown> | undefined,
  customCloudSetting: SettingInspection<unknown> | undefined,
): SignInSettings {
  const warnings: SettingsWarning[] = [];
  const method = userOrMachineValue(signInMethod);
  const cloud = userOrMachineValue(customCloudSetting);
  for (const [name, trusted] of [[SIGN_IN_METHOD_SETTING, method], [CUSTOM_CLOUD_SETTING, cloud]] as const) {
    if (trusted.ignoredWorkspaceValue) {
      warnings.push({ kind: 'workspaceValueIgnored', setting: `${SETTINGS_SECTION}.${name}` });
    }
  }

  let chosenMethod: SignInMethod = 'vscode';
  if (method.value !== undefined && method.value !== null) {
    if (SIGN_IN_METHODS.includes(method.value as SignInMethod)) {
      chosenMethod = method.value as SignInMethod;
    } else {
      warnings.push({
        kind: 'unknownSignInMethod',
        setting: `${SETTINGS_SECTION}.${SIGN_IN_METHOD_SETTING}`,
        value: String(method.value),
        allowed: SIGN_IN_METHODS,
      });
    }
  }

  let chosenCloud: CustomCloudEndpoints | undefined;
  if (cloud.value !== undefined && cloud.value !== null) {
    const problems = customCloudProblems(cloud.value);
    if (problems.length === 0) {
      chosenCloud = cloud.value as CustomCloudEndpoints;
    } else {
      warnings.push({ kind: 'customCloudInvalid', setting: `${SETTINGS_SECTION}.${CUSTOM_CLOUD_SETTING}`, problems });
    }
  }
  if (chosenCloud && chosenMethod === 'vscode') {
    // VS Code's Microsoft account signs in only to the cloud of microsoft-sovereign-cloud.*: its tokens would not be
    // accepted by (and must not be sent to) other endpoints.
    warnings.push({
      kind: 'customCloudNeedsOtherSignIn',
      setting: `${SETTINGS_SECTION}.${CUSTOM_CLOUD_SETTING}`,
      signInMethodSetting: `${SETTINGS_SECTION}.${SIGN_IN_METHOD_SETTING}`,
      sovereignSetting: `${SOVEREIGN_CLOUD_SECTION}.${SOVEREIGN_ENVIRONMENT_SETTING}`,
    });
    chosenCloud = undefined;
  }
  return { method: chosenMethod, customCloud: chosenCloud, warnings };
}

function customCloudProblems(value: unknown): EndpointProblem[] {
  if (typeof value !== 'object' || value === null) {
    return [{ problem: 'notAnObject' }];
  }
  const endpoints = value as Record<string, unknown>;
  return (['resourceManagerEndpoint', 'graphEndpoint', 'authorityHost'] as const)
    .map((key) => validateEndpoint(key, endpoints[key]))
    .filter((problem): problem is EndpointProblem => problem !== undefined);
}

/** The environment variables a service-principal sign-in reads (the ones EnvironmentCredential reads, plus two). */
export interface ServicePrincipalEnvironment {
  AZURE_TENANT_ID?: string;
  AZURE_CLIENT_ID?: string;
  AZURE_CLIENT_SECRET?: string;
  AZURE_AUTHORITY_HOST?: string;
  /** Our addition: the ARM endpoint for a custom cloud, read only with signInMethod servicePrincipal. */
  AZURE_RESOURCE_MANAGER_ENDPOINT?: string;
  /** Our addition: the Graph endpoint for a custom cloud, read only with signInMethod servicePrincipal. */
  AZURE_GRAPH_ENDPOINT?: string;
}

/** What VS Code's sovereign-cloud settings say (used by the 'vscode' sign-in). */
export interface SovereignCloudSetting {
  /** 'ChinaCloud' | 'USGovernment' | 'custom' | undefined */
  environment?: string;
  /** With 'custom': @azure/ms-rest-azure-env EnvironmentParameters. */
  customEnvironment?: {
    resourceManagerEndpointUrl?: string;
    activeDirectoryEndpointUrl?: string;
    name?: string;
    /** Our addition to the environment (it allows additional properties): Microsoft Graph's root for this cloud. */
    microsoftGraphEndpointUrl?: string;
  };
}

export interface CloudChoice {
  cloud: CloudEndpoints;
  /** Where the choice came from, for the log. */
  source: string;
  warnings: SettingsWarning[];
}

/**
 * The cloud to use, in this order:
 * 1. `azureVmIdentities.customCloud` (user/machine settings), all three endpoints: an explicit setting beats the
 *    environment, AZURE_AUTHORITY_HOST included;
 * 2. with servicePrincipal sign-in: AZURE_RESOURCE_MANAGER_ENDPOINT / AZURE_GRAPH_ENDPOINT / AZURE_AUTHORITY_HOST from the
 *    process environment (the person who started VS Code set them, not a workspace);
 * 3. VS Code's `microsoft-sovereign-cloud.environment` (public Azure, US Government, China, or its custom environment);
 * 4. public Azure.
 * With a service principal and no setting, an AZURE_AUTHORITY_HOST of no known cloud (e.g. AD FS) is where its tokens
 * come from, whatever step 3 or 4 chose. The sign-in uses the chosen cloud's authorityHost and nothing else.
 */
export function resolveCloud(
  settings: SignInSettings,
  env: ServicePrincipalEnvironment,
  sovereign: SovereignCloudSetting = {},
): CloudChoice {
  if (settings.customCloud) {
    return { cloud: customCloud(settings.customCloud), source: `${SETTINGS_SECTION}.${CUSTOM_CLOUD_SETTING}`, warnings: [] };
  }
  const choice = cloudFromEnvironmentOrVsCode(settings, env, sovereign);
  const authorityHost = env.AZURE_AUTHORITY_HOST;
  if (
    settings.method === 'servicePrincipal' &&
    authorityHost &&
    !validateEndpoint('AZURE_AUTHORITY_HOST', authorityHost) &&
    trimTrailingSlashes(authorityHost).toLowerCase() !== choice.cloud.authorityHost.toLowerCase()
  ) {
    return {
      cloud: customCloud({ ...choice.cloud, authorityHost }, choice.cloud.name),
      source: `${choice.source}, tokens from AZURE_AUTHORITY_HOST`,
      warnings: choice.warnings,
    };
  }
  return choice;
}

/** Steps 2 to 4 of {@link resolveCloud}. */
function cloudFromEnvironmentOrVsCode(settings: SignInSettings, env: ServicePrincipalEnvironment, sovereign: SovereignCloudSetting): CloudChoice {
  const warnings: SettingsWarning[] = [];
  if (settings.method === 'servicePrincipal' && (env.AZURE_RESOURCE_MANAGER_ENDPOINT || env.AZURE_GRAPH_ENDPOINT)) {
    const base = (env.AZURE_AUTHORITY_HOST && knownCloudForAuthorityHost(env.AZURE_AUTHORITY_HOST)) || azurePublicCloud;
    const endpoints: CustomCloudEndpoints = {
      resourceManagerEndpoint: env.AZURE_RESOURCE_MANAGER_ENDPOINT || base.resourceManagerEndpoint,
      graphEndpoint: env.AZURE_GRAPH_ENDPOINT || base.graphEndpoint,
      authorityHost: env.AZURE_AUTHORITY_HOST || base.authorityHost,
    };
    const problems = [
      validateEndpoint('AZURE_RESOURCE_MANAGER_ENDPOINT', endpoints.resourceManagerEndpoint),
      validateEndpoint('AZURE_GRAPH_ENDPOINT', endpoints.graphEndpoint),
      validateEndpoint('AZURE_AUTHORITY_HOST', endpoints.authorityHost),
    ].filter((p): p is EndpointProblem => p !== undefined);
    if (problems.length === 0) {
      return { cloud: customCloud(endpoints, 'custom cloud from the environment'), source: 'environment variables', warnings };
    }
    warnings.push({ kind: 'environmentEndpointsInvalid', problems });
  }
  if (settings.method === 'servicePrincipal' && env.AZURE_AUTHORITY_HOST) {
    const known = knownCloudForAuthorityHost(env.AZURE_AUTHORITY_HOST);
    if (known) {
      return { cloud: known, source: 'AZURE_AUTHORITY_HOST', warnings };
    }
  }
  if (sovereign.environment === 'custom') {
    const custom = sovereign.customEnvironment;
    const arm = custom?.resourceManagerEndpointUrl;
    const authority = custom?.activeDirectoryEndpointUrl;
    if (arm && authority && !validateEndpoint('resourceManagerEndpointUrl', arm) && !validateEndpoint('activeDirectoryEndpointUrl', authority)) {
      let graph = custom?.microsoftGraphEndpointUrl;
      const graphProblem = graph === undefined ? undefined : validateEndpoint(SOVEREIGN_GRAPH_PROPERTY, graph);
      if (graph === undefined || graphProblem) {
        warnings.push({
          kind: 'sovereignCustomWithoutGraph',
          setting: `${SOVEREIGN_CLOUD_SECTION}.${SOVEREIGN_CUSTOM_ENVIRONMENT_SETTING}`,
          graphEndpoint: azurePublicCloud.graphEndpoint,
          graphProperty: SOVEREIGN_GRAPH_PROPERTY,
          ...(graphProblem ? { problem: graphProblem } : {}),
        });
        graph = azurePublicCloud.graphEndpoint;
      }
      return {
        cloud: customCloud(
          { resourceManagerEndpoint: arm, authorityHost: authority, graphEndpoint: graph },
          custom?.name ?? 'Custom',
        ),
        source: `${SOVEREIGN_CLOUD_SECTION}.${SOVEREIGN_CUSTOM_ENVIRONMENT_SETTING}`,
        warnings,
      };
    }
    warnings.push({ kind: 'sovereignCustomIncomplete', setting: `${SOVEREIGN_CLOUD_SECTION}.${SOVEREIGN_CUSTOM_ENVIRONMENT_SETTING}` });
    return { cloud: azurePublicCloud, source: 'default', warnings };
  }
  if (sovereign.environment) {
    return { cloud: cloudForSovereignSetting(sovereign.environment), source: `${SOVEREIGN_CLOUD_SECTION}.${SOVEREIGN_ENVIRONMENT_SETTING}`, warnings };
  }
  return { cloud: azurePublicCloud, source: 'default', warnings };
}
