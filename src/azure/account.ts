// What the UI sees of a sign-in: whether it is signed in, how to sign in, when that changes, and the clients.
// No `vscode` import here: the VS Code account lives in vscodeAccount.ts; Azure CLI and service principals here.
import type { TokenCredential } from '@azure/core-auth';
import { SignInFailedError } from '../identity/serviceError';
import type { CloudEndpoints } from './cloud';
import type { AzureClientProvider } from '../identity/ports';
import { CachingClientProvider, credentialSubscriptionSource } from './clientProvider';
import { azureCliSignIn, servicePrincipalFromEnvironment } from './credentials';
import { toServiceError } from './serviceErrors';
import type { Logger } from './logger';
import type { SignInMethod } from '../identity/model';
import type { ServicePrincipalEnvironment } from './settings';
import type { TenantPlan } from './tenantListing';

export interface Disposable {
  dispose(): void;
}

export interface AzureAccount extends Disposable {
  readonly signInMethod: SignInMethod;
  readonly cloud: CloudEndpoints;
  /** What the tree and the operations module use to reach Azure. */
  readonly clients: AzureClientProvider;
  /** For the log and the tree's sign-in item, e.g. "service principal 1c6e… (Contoso tenant 8f3e…)". */
  readonly description: string;
  /** Whether the sign-in works now, without asking the user. `refresh` asks the credential again at once. */
  isSignedIn(options?: { refresh?: boolean }): Promise<boolean>;
  /** Signs in (VS Code may show its account picker), to one tenant when given. Resolves true when signed in; throws
   *  a SignInFailedError when it cannot (the domain's wording says what to do, e.g. "run az login"). */
  signIn(tenantId?: string): Promise<boolean>;
  /** Tenants the signed-in accounts belong to but have no session for, so their subscriptions are missing
   *  (VS Code sign-in; the others sign in to every tenant at once and return []). */
  listTenantsNeedingSignIn(): Promise<TenantNeedingSignIn[]>;
  /** The tenants subscriptions are listed from, and accounts cut to the maximum (VS Code sign-in; others: none). */
  listTenants(): Promise<TenantPlan>;
  /** Fires when the signed-in state or the set of accounts changes. */
  onDidChange(listener: () => void): Disposable;
}

export interface TenantNeedingSignIn {
  tenantId: string;
  displayName?: string;
  /** e.g. the account's e-mail address, when several accounts are signed in. */
  accountLabel?: string;
}

/** A minimal event emitter (vscode.EventEmitter is not available outside the extension host). */
export class ChangeEmitter implements Disposable {
  private listeners = new Set<() => void>();

  event = (listener: () => void): Disposable => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(): void {
    for (const listener of [...this.listeners]) {
      listener();
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}

/** What every account shares: the clients it keeps, and the change event. */
export abstract class AccountBase implements Disposable {
  abstract readonly clients: CachingClientProvider;
  private readonly changes = new ChangeEmitter();

  onDidChange(listener: () => void): Disposable {
    return this.changes.event(listener);
  }

  /** The signed-in state or the accounts changed: forget the clients built for the old ones, and tell listeners. */
  protected changed(): void {
    this.clients.clear();
    this.changes.fire();
  }

  dispose(): void {
    this.changes.dispose();
  }
}

/** How long a "signed in" answer stands before isSignedIn asks the credential again (a token lasts longer; `az logout`
 *  or a revoked secret shows within this time). */
const SIGNED_IN_RECHECK_MS = 5 * 60_000;

/** An account made from one TokenCredential: Azure CLI or a service principal. */
export class CredentialAccount extends AccountBase implements AzureAccount {
  readonly clients: CachingClientProvider;
  private signedIn: boolean | undefined;
  private checkedAt = 0;

  constructor(
    readonly signInMethod: SignInMethod,
    readonly cloud: CloudEndpoints,
    private readonly credential: TokenCredential,
    readonly description: string,
    private readonly logger: Logger,
    credentialForTenant?: (tenantId: string) => TokenCredential,
  ) {
    super();
    this.clients = new CachingClientProvider(cloud, credentialSubscriptionSource(cloud, credential, logger, credentialForTenant), logger);
  }

  async isSignedIn(options?: { refresh?: boolean }): Promise<boolean> {
    if (this.signedIn === undefined || options?.refresh || Date.now() - this.checkedAt > SIGNED_IN_RECHECK_MS) {
      const wasSignedIn = this.signedIn;
      try {
        // The credential answers from its token cache while the token is valid, so this is cheap.
        await this.credential.getToken(this.cloud.resourceManagerScope);
        this.signedIn = true;
      } catch (error) {
        this.logger.info(`Not signed in (${this.description}): ${errorMessage(toServiceError(error, 'arm'))}`);
        this.signedIn = false;
      }
      this.checkedAt = Date.now();
      if (wasSignedIn !== undefined && wasSignedIn !== this.signedIn) {
        this.changed();
      }
    }
    return this.signedIn;
  }

  async listTenantsNeedingSignIn(): Promise<TenantNeedingSignIn[]> {
    return [];
  }

  async listTenants(): Promise<TenantPlan> {
    return { tenants: [], limits: [] };
  }

  async signIn(): Promise<boolean> {
    this.checkedAt = Date.now();
    try {
      await this.credential.getToken(this.cloud.resourceManagerScope);
    } catch (error) {
      this.signedIn = false;
      throw new SignInFailedError(this.signInMethod, this.description, toServiceError(error, 'arm'));
    }
    this.signedIn = true;
    // Always rebuild the clients, even when already signed in: Sign In is how a user recovers from a token Azure
    // rejects, and the old clients' bearer policies would keep offering it.
    this.changed();
    return true;
  }
}

/** The service principal named by AZURE_TENANT_ID / AZURE_CLIENT_ID / AZURE_CLIENT_SECRET / AZURE_AUTHORITY_HOST. */
export function createServicePrincipalAccount(env: ServicePrincipalEnvironment, cloud: CloudEndpoints, logger: Logger): AzureAccount {
  const signIn = servicePrincipalFromEnvironment(env, cloud);
  return new CredentialAccount(
    'servicePrincipal',
    cloud,
    signIn.credential,
    `service principal ${signIn.clientId} (tenant ${signIn.tenantId}, ${cloud.name})`,
    logger,
  );
}

/** Azure CLI's signed-in account; each subscription gets a credential for its own tenant. */
export function createAzureCliAccount(cloud: CloudEndpoints, logger: Logger): AzureAccount {
  const tenantCredentials = new Map<string, TokenCredential>();
  return new CredentialAccount(
    'azureCli',
    cloud,
    azureCliSignIn(),
    `Azure CLI (${cloud.name})`,
    logger,
    (tenantId) => {
      let credential = tenantCredentials.get(tenantId);
      if (!credential) {
        credential = azureCliSignIn(tenantId);
        tenantCredentials.set(tenantId, credential);
      }
      return credential;
    },
  );
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
