// The clouds this extension can talk to. Every client is built from one CloudEndpoints value, so the same code
// reaches Azure, a sovereign cloud, an Azure Stack-style custom cloud or the fake Azure without change.
import { trimTrailingSlashes } from '../identity/resourceIds';
import type { EndpointProblem } from '../identity/settingsWarnings';

/** The endpoints of one cloud (Azure public, a sovereign cloud, or the fake Azure). */
export interface CloudEndpoints {
  name: string;
  resourceManagerEndpoint: string;
  /** Graph root without version, e.g. https://graph.microsoft.com */
  graphEndpoint: string;
  authorityHost: string;
  /** Token scopes, e.g. https://management.azure.com/.default */
  resourceManagerScope: string;
  graphScope: string;
}

export interface CustomCloudEndpoints {
  resourceManagerEndpoint: string;
  /** Graph root without version, e.g. https://graph.microsoft.com */
  graphEndpoint: string;
  /** Where tokens come from, e.g. https://login.microsoftonline.com */
  authorityHost: string;
}

/** A token scope for an endpoint: `${endpoint}/.default` with exactly one slash. */
export function scopeFor(endpoint: string): string {
  return `${trimTrailingSlashes(endpoint)}/.default`;
}

function buildCloud(name: string, endpoints: CustomCloudEndpoints): CloudEndpoints {
  const resourceManagerEndpoint = trimTrailingSlashes(endpoints.resourceManagerEndpoint);
  const graphEndpoint = trimTrailingSlashes(endpoints.graphEndpoint);
  return {
    name,
    resourceManagerEndpoint,
    graphEndpoint,
    authorityHost: trimTrailingSlashes(endpoints.authorityHost),
    resourceManagerScope: scopeFor(resourceManagerEndpoint),
    graphScope: scopeFor(graphEndpoint),
  };
}

export const azurePublicCloud: CloudEndpoints = buildCloud('AzureCloud', {
  resourceManagerEndpoint: 'https://management.azure.com',
  graphEndpoint: 'https://graph.microsoft.com',
  authorityHost: 'https://login.microsoftonline.com',
});

export const azureUSGovernmentCloud: CloudEndpoints = buildCloud('AzureUSGovernment', {
  resourceManagerEndpoint: 'https://management.usgovcloudapi.net',
  graphEndpoint: 'https://graph.microsoft.us',
  authorityHost: 'https://login.microsoftonline.us',
});

export const azureChinaCloud: CloudEndpoints = buildCloud('AzureChinaCloud', {
  resourceManagerEndpoint: 'https://management.chinacloudapi.cn',
  graphEndpoint: 'https://microsoftgraph.chinacloudapi.cn',
  authorityHost: 'https://login.chinacloudapi.cn',
});

const knownClouds = [azurePublicCloud, azureUSGovernmentCloud, azureChinaCloud];

/** A cloud from three endpoints (Azure Stack Hub, a private cloud, or the fake Azure). */
export function customCloud(endpoints: CustomCloudEndpoints, name = 'Custom'): CloudEndpoints {
  return buildCloud(name, endpoints);
}

/**
 * The cloud named by VS Code's `microsoft-sovereign-cloud.environment` setting
 * (undefined or anything else = public Azure; 'custom' is handled by the caller, which knows the custom endpoints).
 */
export function cloudForSovereignSetting(environment: string | undefined): CloudEndpoints {
  switch (environment) {
    case 'USGovernment':
      return azureUSGovernmentCloud;
    case 'ChinaCloud':
      return azureChinaCloud;
    default:
      return azurePublicCloud;
  }
}

/**
 * True when the authority host is one of Microsoft's clouds. MSAL's instance discovery only works there; for any
 * other host (Azure Stack with AD FS, the fake Azure) it must be turned off (azure-wire-facts.md section 7).
 */
export function isMicrosoftAuthorityHost(authorityHost: string): boolean {
  let host: string;
  try {
    host = new URL(authorityHost).hostname.toLowerCase();
  } catch {
    return false;
  }
  return knownClouds.some((cloud) => new URL(cloud.authorityHost).hostname === host) ||
    ['login.windows.net', 'login.microsoft.com', 'sts.windows.net', 'login.microsoftonline.de'].includes(host);
}

/** The known cloud whose authority host this is, if any. */
export function knownCloudForAuthorityHost(authorityHost: string): CloudEndpoints | undefined {
  try {
    const host = new URL(authorityHost).hostname.toLowerCase();
    return knownClouds.find((cloud) => new URL(cloud.authorityHost).hostname === host);
  } catch {
    return undefined;
  }
}

/** Checks that a configured endpoint is an absolute https URL; returns what is wrong with it, or undefined. */
export function validateEndpoint(label: string, value: unknown): EndpointProblem | undefined {
  if (typeof value !== 'string' || value.trim() === '') {
    return { problem: 'missing', label };
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem: 'notUrl', label, value };
  }
  if (url.protocol !== 'https:') {
    // The bearer-token policy refuses plain http, and tokens must never travel unencrypted.
    return { problem: 'notHttps', label, value };
  }
  return undefined;
}
