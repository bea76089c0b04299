// The check before every write: ask Microsoft.Authorization/permissions (once per scope, through a short cache) whether
// the signed-in principal may do what the write needs, and refuse before anything is sent when it may not, naming the
// action, the role that grants it and the resource (a subscription by its display name). The operations modules call
// it, so every caller gets it.
import type { Clock } from './clock';
import { defaultLocalize, type Localize } from './localize';
import { accessRefusal, checkAccess, PermissionsCache, type AccessRequirement } from './permissions';
import type { AzureClientProvider, CallOptions, PermissionsClient } from './ports';
import { resourceKey } from './resourceIds';
import { parseScope, type ScopeNames } from './scopes';

export interface AccessGuardOptions {
  /** How long a scope's answer is kept (default {@link PermissionsCache}'s 60 s). */
  ttlMs?: number;
  clock?: Pick<Clock, 'now'>;
  localize?: Localize;
}

export class AccessGuard {
  /** One cache per subscription's permissions client: a new sign-in builds new clients, and so starts afresh. */
  private readonly caches = new Map<PermissionsClient, PermissionsCache>();
  private readonly subscriptionNames = new Map<string, string>();
  private readonly t: Localize;

  /** Display names for messages: every subscription the guard or its owner has met. */
  readonly scopeNames: ScopeNames = { subscriptionName: (id) => this.subscriptionNames.get(resourceKey(id)) };

  constructor(
    private readonly clients: AzureClientProvider,
    private readonly options: AccessGuardOptions = {},
  ) {
    this.t = options.localize ?? defaultLocalize;
  }

  /** Remembers a subscription's display name for messages. */
  rememberSubscription(subscription: { subscriptionId: string; displayName: string }): void {
    this.subscriptionNames.set(resourceKey(subscription.subscriptionId), subscription.displayName);
  }

  /**
   * Resolves when every requirement is met, or could not be checked (a failed permissions read never blocks a write:
   * Azure's own answer then decides). Throws the refusal (IdentityError kind 'authorization', code
   * MissingPermission) when one is missing; nothing has been sent then.
   */
  async ensureAllowed(requirements: readonly AccessRequirement[], options: CallOptions = {}): Promise<void> {
    if (requirements.length === 0) {
      return;
    }
    const check = await checkAccess(requirements, this.permissions, options);
    if (check.missing.length > 0) {
      throw accessRefusal(check.missing, this.scopeNames, this.t);
    }
  }

  /** Forgets every answer (after the signed-in principal's own roles change). */
  invalidate(): void {
    this.caches.clear();
  }

  /** Asks the permissions client of the scope's subscription (its tenant's credential), through that client's cache. */
  private readonly permissions: PermissionsClient = {
    listPermissions: async (scope, options) => {
      const subscriptionId = parseScope(scope)?.subscriptionId;
      if (!subscriptionId) {
        throw new Error(`No subscription in the scope ${scope}`);
      }
      const clients = await this.clients.forSubscription(subscriptionId, options);
      this.rememberSubscription(clients.subscription);
      let cache = this.caches.get(clients.permissions);
      if (!cache) {
        cache = new PermissionsCache(clients.permissions, { ttlMs: this.options.ttlMs, clock: this.options.clock });
        this.caches.set(clients.permissions, cache);
      }
      return cache.listPermissions(scope, options);
    },
  };
}
