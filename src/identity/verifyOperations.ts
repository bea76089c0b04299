// The operation behind "Verify Identity from Inside the VM" (issue 11): read the VM (its OS, its identities as Azure
// has them now), check that the signed-in principal may use Run Command on it before anything is sent, run the
// verify script, and compare the token's claims with the identity. Kept beside IdentityOperations (same provider,
// same wording helpers) because it is a run on the guest, not an identity write.
import { cancelledError, toIdentityError, type ErrorContext } from './errorWording';
import { IdentityError } from './identityError';
import { hasSystemAssigned } from './identityChange';
import { defaultLocalize, type Localize } from './localize';
import type { IdentityHostRef, OperationOptions, VirtualMachine } from './model';
import { accessRefusal, accessRequirement, checkAccess } from './permissions';
import type { AzureClientProvider } from './ports';
import { resourceKey, resourceNameFromId } from './resourceIds';
import { ServiceError } from './serviceError';
import {
  checkClaims,
  describeVerifyTarget,
  parseVerifyOutput,
  runCommandRefusal,
  runCommandStreams,
  verifyOutputError,
  verifyScript,
  type ClaimCheck,
  type ExpectedIdentity,
  type TokenClaims,
  type VerifyOsType,
  type VerifyTarget,
} from './verifyIdentity';

export interface VerifyIdentityRequest {
  vm: IdentityHostRef;
  /** Which identity; for a user-assigned one its client id is taken from the VM as Azure reports it. */
  target: { kind: 'systemAssigned' } | { kind: 'userAssigned'; identityId: string };
  /** The App ID URI to ask IMDS for (VERIFY_AUDIENCES). */
  resource: string;
}

export interface VerifyIdentityResult {
  vm: VirtualMachine;
  target: VerifyTarget;
  resource: string;
  osType: VerifyOsType;
  claims: TokenClaims;
  expected: ExpectedIdentity;
  checks: ClaimCheck[];
  /** Every check passed. */
  ok: boolean;
}

export interface VerifyOperationsOptions {
  localize?: Localize;
  /** Seconds since the epoch, to judge the token's expiry (tests pin it). */
  nowSeconds?: () => number;
  /** How messages name a VM (IdentityOperationsOptions.hostLabel); its name by default. */
  hostLabel?: (host: IdentityHostRef) => string;
}

export class VerifyOperations {
  private readonly t: Localize;
  private readonly nowSeconds: () => number;
  private readonly label: (host: IdentityHostRef) => string;

  constructor(
    private readonly clients: AzureClientProvider,
    options: VerifyOperationsOptions = {},
  ) {
    this.t = options.localize ?? defaultLocalize;
    this.nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
    this.label = options.hostLabel ?? ((host) => host.name);
  }

  /**
   * Runs the verify script on the VM and reads the claims. Throws IdentityError with the words: the identity
   * not on the VM (before sending) or unknown to IMDS, the VM not running, Run Command not allowed (before sending),
   * another run in progress, no curl, or cancelled (the wait only: Azure cannot cancel a run).
   */
  async verifyIdentity(request: VerifyIdentityRequest, options: OperationOptions = {}): Promise<VerifyIdentityResult> {
    const t = this.t;
    const { vm: ref, resource } = request;
    const label = this.label(ref);
    const progress = options.onProgress ?? (() => {});
    const signal = options.signal;
    const context: ErrorContext = { localize: t, vmName: label, operation: t("verify an identity on '{0}'", label) };
    let sent = false;
    try {
      throwIfAborted(signal, t);
      const clients = await this.clients.forSubscription(ref.subscriptionId, { signal });
      progress(t("Reading '{0}'…", label));
      const vm = await clients.virtualMachines.get(ref, { signal });
      const osType: VerifyOsType = vm.osType?.toLowerCase() === 'windows' ? 'Windows' : 'Linux';
      const { target, expected } = this.resolveTarget(vm, request, resource);

      progress(t("Checking that you may use Run Command on '{0}'…", label));
      const access = await checkAccess([accessRequirement('runCommand', vm.id)], clients.permissions, { signal });
      if (access.missing.length > 0) {
        throw accessRefusal(access.missing, {}, t);
      }

      progress(t("Asking IMDS on '{0}' for a token (Run Command takes tens of seconds)…", label));
      sent = true;
      let polls = 0;
      const statuses = await clients.runCommands.run(vm, verifyScript(osType, resource, target), {
        signal,
        onPoll: () => progress(t("Waiting for the check on '{0}' to finish ({1})…", label, ++polls)),
      });
      const { stdout, stderr } = runCommandStreams(statuses);
      const output = parseVerifyOutput(stdout, stderr);
      if (output.kind !== 'token') {
        throw verifyOutputError(output, label, target, t);
      }
      const checks = checkClaims(output.claims, expected, this.nowSeconds(), t);
      return { vm, target, resource, osType, claims: output.claims, expected, checks, ok: checks.every((check) => check.ok) };
    } catch (error) {
      if (error instanceof IdentityError) {
        throw error;
      }
      if (signal?.aborted) {
        throw sent
          ? new IdentityError(t("Stopped waiting for the check on '{0}'. Run Command cannot be cancelled: the script still finishes on the VM (it only reads a token's claims).", label), {
              kind: 'cancelled',
              cause: error,
            })
          : cancelledError(t, error);
      }
      if (error instanceof ServiceError) {
        const refusal = runCommandRefusal(error, label, t);
        if (refusal) {
          throw refusal;
        }
      }
      throw toIdentityError(error, context);
    }
  }

  /** The identity as Azure reports it on the VM now; refused before sending when the VM does not have it. */
  private resolveTarget(vm: VirtualMachine, request: VerifyIdentityRequest, resource: string): { target: VerifyTarget; expected: ExpectedIdentity } {
    const t = this.t;
    const label = this.label(vm);
    if (request.target.kind === 'systemAssigned') {
      if (!hasSystemAssigned(vm.identity.type)) {
        throw new IdentityError(t("'{0}' has no system-assigned identity: it is not assigned (or was just turned off). Enable it first.", label), {
          kind: 'notFound',
          code: 'IdentityNotAssigned',
        });
      }
      return {
        target: { kind: 'systemAssigned' },
        expected: { principalId: vm.identity.principalId, resourceId: vm.id, tenantId: vm.identity.tenantId, resource },
      };
    }
    const wanted = resourceKey(request.target.identityId);
    const entry = Object.entries(vm.identity.userAssignedIdentities).find(([id]) => resourceKey(id) === wanted);
    if (!entry) {
      throw new IdentityError(t("The user-assigned identity '{0}' is not assigned to '{1}'. Assign it first, or refresh.", resourceNameFromId(request.target.identityId), label), {
        kind: 'notFound',
        code: 'IdentityNotAssigned',
      });
    }
    const [identityId, { clientId, principalId }] = entry;
    if (!clientId) {
      throw new IdentityError(t("Azure did not report the client id of {0} on '{1}'; refresh and try again.", describeVerifyTarget({ kind: 'userAssigned', identityId, clientId: '' }, t), label), {
        kind: 'unknown',
        code: 'NoClientId',
      });
    }
    return {
      target: { kind: 'userAssigned', identityId, clientId },
      expected: { principalId, clientId, resourceId: identityId, tenantId: vm.identity.tenantId, resource },
    };
  }
}

function throwIfAborted(signal: AbortSignal | undefined, t: Localize): void {
  if (signal?.aborted) {
    throw cancelledError(t);
  }
}
