// The two sign-ins that need no VS Code: Azure CLI's, and a service principal from the environment.
import type { TokenCredential } from '@azure/core-auth';
import { AzureCliCredential, ClientSecretCredential } from '@azure/identity';
import { ServicePrincipalEnvironmentMissingError } from '../identity/serviceError';
import type { CloudEndpoints } from './cloud';
import { sharedHttpClient } from './connectionPool';
import { isMicrosoftAuthorityHost } from './cloud';
import type { ServicePrincipalEnvironment } from './settings';

export interface ServicePrincipalSignIn {
  credential: TokenCredential;
  tenantId: string;
  clientId: string;
  authorityHost: string;
}

const REQUIRED_VARIABLES = ['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET'] as const;

/**
 * A service principal from AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (variables EnvironmentCredential
 * reads), signing in at the cloud's authority host (resolveCloud takes AZURE_AUTHORITY_HOST into account). EnvironmentCredential itself cannot turn MSAL's instance discovery off, which
 * fails against any authority that is not a Microsoft cloud (endpoints_resolution_error), so this builds the
 * ClientSecretCredential itself, with `disableInstanceDiscovery` for such hosts. Throws a
 * ServicePrincipalEnvironmentMissingError naming the missing variables (never their values).
 */
export function servicePrincipalFromEnvironment(env: ServicePrincipalEnvironment, cloud: CloudEndpoints): ServicePrincipalSignIn {
  const missing = REQUIRED_VARIABLES.filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new ServicePrincipalEnvironmentMissingError(missing);
  }
  // resolveCloud already weighed AZURE_AUTHORITY_HOST against the customCloud setting (the setting wins).
  const authorityHost = cloud.authorityHost;
  const credential = new ClientSecretCredential(env.AZURE_TENANT_ID!, env.AZURE_CLIENT_ID!, env.AZURE_CLIENT_SECRET!, {
    authorityHost,
    disableInstanceDiscovery: !isMicrosoftAuthorityHost(authorityHost),
    // Token requests reuse the connections of the ARM and Graph calls.
    httpClient: sharedHttpClient(),
  });
  return { credential, tenantId: env.AZURE_TENANT_ID!, clientId: env.AZURE_CLIENT_ID!, authorityHost };
}

/** Azure CLI's sign-in (`az login`). It carries the user's own directory rights, which Graph group changes may need. */
export function azureCliSignIn(tenantId?: string): TokenCredential {
  return new AzureCliCredential(tenantId ? { tenantId } : {});
}
