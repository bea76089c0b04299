// Everything behind the activation shell (extension.ts), built on first use (the first tree expand or command): the
// log, azext-utils (telemetry never sent), the account from settings, the one IdentityOperations, the store that holds
// what it read, the tree and the JSON tabs that show the store, and the command handlers. It is bundled apart
// (dist/wiring.js) so that activation neither compiles nor runs the Azure SDKs, MSAL or azext-utils. Nothing here
// reaches Azure until the tree is shown: then it only asks whether the account is signed in and lists what the tree
// displays.
import { UserCancelledError, createAzExtLogOutputChannel, registerErrorHandler, registerOnActionStartHandler, registerUIExtensionVariables } from './ui/azext';
import * as vscode from 'vscode';
import { redactingLogger } from './azure/logger';
import { createAzureAccount, SignInSettingsWatch } from './azure/vscodeAccount';
import { commandRunner } from './commands/registerCommands';
import type { Services } from './commands/services';
import { isIdentityError } from './identity/identityError';
import { DEFAULT_OPERATION_TIMEOUT_MINUTES, IdentityOperations } from './identity/operations';
import { VerifyOperations } from './identity/verifyOperations';
import { settingsWarningText } from './identity/settingsWarnings';
import { SubscriptionFilter } from './tree/subscriptionFilter';
import { VmTreeDataProvider } from './tree/VmTreeDataProvider';
import { operationsStoreSource } from './store/operationsSource';
import { ResourceStore } from './store/resourceStore';
import { AccountSession } from './ui/accountSession';
import { describeError } from './ui/describeError';
import { identityErrorButtons } from './ui/errorActions';
import { IDENTITY_JSON_SCHEME, IdentityJsonProvider } from './ui/identityJsonProvider';
import { TenantOffers } from './ui/tenantOffers';
import { vscodeWriteUi } from './ui/vscodeWriteUi';

/** What the shell forwards to: the tree's data and every command. */
export interface Wiring {
  tree: vscode.TreeDataProvider<unknown>;
  runCommand(commandId: string, args: unknown[]): Promise<unknown>;
}

export function startWiring(context: vscode.ExtensionContext): Wiring {
  const log = createAzExtLogOutputChannel(vscode.l10n.t('Azure VM Managed Identities'));
  context.subscriptions.push(log);
  registerUIExtensionVariables({ context, outputChannel: log });
  const logger = redactingLogger(log);

  // Settings warnings (e.g. a workspace trying to choose the sign-in) are shown each time the account is made.
  const session = new AccountSession(() => {
    const { account, warnings } = createAzureAccount(logger);
    warnings.forEach((warning) => void vscode.window.showWarningMessage(settingsWarningText(warning, vscode.l10n.t)));
    return account;
  });
  const operations: IdentityOperations = new IdentityOperations(session.clientProvider, {
    localize: vscode.l10n.t,
    signInMethod: () => session.signInMethod,
    operationTimeoutMs: () => operationTimeoutMinutes() * 60_000,
    hostLabel: (host): string => store.hostLabel(host),
  });
  const subscriptionFilter = new SubscriptionFilter(context.globalState);
  const store = new ResourceStore(operationsStoreSource(operations, (subscriptions) => subscriptionFilter.apply(subscriptions)));
  const tree = new VmTreeDataProvider(store, session, subscriptionFilter);
  const identityJson = new IdentityJsonProvider(operations, store);
  const verify = new VerifyOperations(session.clientProvider, { localize: vscode.l10n.t, hostLabel: store.hostLabel });
  const services: Services = { operations, verify, store, identityJson, writeUi: vscodeWriteUi, session, subscriptionFilter, log };

  const tenantOffers = new TenantOffers(session, log);
  const signInSettings = new SignInSettingsWatch();
  context.subscriptions.push(
    session,
    store,
    tree,
    identityJson,
    vscode.workspace.registerTextDocumentContentProvider(IDENTITY_JSON_SCHEME, identityJson),
    session.onDidChange(() => store.reloadAll()),
    session.onDidChange(() => void tenantOffers.check().catch((error: unknown) => log.warn(`Checking the tenants: ${describeError(error)}`))),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (signInSettings.changesSignIn(event)) {
        await session.rebuild();
        log.info(`Sign-in settings changed; now using ${session.description}.`);
      }
    }),
    registerOnActionStartHandler((actionContext) => {
      // Errors offer the log (request ids, never tokens) rather than azext-utils' "Report an Issue".
      actionContext.errorHandling.suppressReportIssue = true;
      actionContext.errorHandling.buttons = [{ title: vscode.l10n.t('Show Log'), callback: async () => log.show() }];
    }),
    registerErrorHandler((errorContext) => {
      const error = errorContext.error;
      if (isIdentityError(error)) {
        if (error.kind === 'cancelled') {
          errorContext.error = new UserCancelledError(errorContext.callbackId);
          return;
        }
        log.error(`${errorContext.callbackId}: ${error.toLogLine()}`);
        errorContext.errorHandling.buttons = [...(errorContext.errorHandling.buttons ?? []), ...identityErrorButtons(error)];
        // A plain Error keeps azext-utils from rewriting the message (it unpacks `error`/`value` fields and JSON).
        errorContext.error = new Error(error.message);
      } else if (!(error instanceof UserCancelledError)) {
        log.error(`${errorContext.callbackId}: ${describeError(error)}`);
      }
    }),
  );
  const runCommand = commandRunner(services);

  log.info(`Signing in with ${session.description}.`);
  void session.checkSignedIn();
  return { tree: tree as vscode.TreeDataProvider<unknown>, runCommand };
}

/** The setting azureVmIdentities.operationTimeoutMinutes (window scope: it only bounds waiting), within its limits. */
function operationTimeoutMinutes(): number {
  const value = vscode.workspace.getConfiguration('azureVmIdentities').get<number>('operationTimeoutMinutes', DEFAULT_OPERATION_TIMEOUT_MINUTES);
  return Number.isFinite(value) && value >= 1 ? Math.min(value, 1440) : DEFAULT_OPERATION_TIMEOUT_MINUTES;
}
