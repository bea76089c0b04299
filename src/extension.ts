// Activation: the log, azext-utils (telemetry never sent), the account from settings, the one IdentityOperations,
// the store that holds what it read, the tree and the JSON tabs that show the store, and the commands. Nothing here reaches Azure until the tree is shown: then it only asks
// whether the account is signed in and lists what the tree displays.
import { UserCancelledError, createAzExtLogOutputChannel, registerErrorHandler, registerOnActionStartHandler, registerUIExtensionVariables } from './ui/azext';
import * as vscode from 'vscode';
import { redactingLogger } from './azure/logger';
import { affectsSignIn, createAzureAccount } from './azure/vscodeAccount';
import { registerCommands } from './commands/registerCommands';
import type { Services } from './commands/services';
import { isIdentityError } from './identity/identityError';
import { IdentityOperations } from './identity/operations';
import { settingsWarningText } from './identity/settingsWarnings';
import { SubscriptionFilter } from './tree/subscriptionFilter';
import { VMS_VIEW_ID, VmTreeDataProvider } from './tree/VmTreeDataProvider';
import { ResourceStore } from './store/resourceStore';
import { AccountSession } from './ui/accountSession';
import { describeError } from './ui/describeError';
import { identityErrorButtons } from './ui/errorActions';
import { IDENTITY_JSON_SCHEME, IdentityJsonProvider } from './ui/identityJsonProvider';
import { TenantOffers } from './ui/tenantOffers';
import { vscodeWriteUi } from './ui/vscodeWriteUi';

export async function activate(context: vscode.ExtensionContext): Promise<void> {
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
  const operations = new IdentityOperations(session.clientProvider, { localize: vscode.l10n.t, signInMethod: () => session.signInMethod });
  const subscriptionFilter = new SubscriptionFilter(context.globalState);
  const store = new ResourceStore({
    listSubscriptions: () => operations.listSubscriptions(),
    listHosts: (subscriptionId) => operations.listVirtualMachines(subscriptionId),
    getHost: (host) => operations.getHost(host),
    listGroupMemberships: (host, options) => operations.listGroupMemberships(host, options),
  });
  const tree = new VmTreeDataProvider(store, session, subscriptionFilter);
  const identityJson = new IdentityJsonProvider(operations, store);
  const services: Services = { operations, store, identityJson, writeUi: vscodeWriteUi, session, subscriptionFilter, log };

  const tenantOffers = new TenantOffers(session, log);
  const treeView = vscode.window.createTreeView(VMS_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  context.subscriptions.push(
    session,
    store,
    tree,
    treeView,
    identityJson,
    vscode.workspace.registerTextDocumentContentProvider(IDENTITY_JSON_SCHEME, identityJson),
    session.onDidChange(() => store.reloadAll()),
    session.onDidChange(() => void tenantOffers.check().catch((error: unknown) => log.warn(`Checking the tenants: ${describeError(error)}`))),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (affectsSignIn(event)) {
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
  registerCommands(services);

  log.info(`Signing in with ${session.description}.`);
  void session.checkSignedIn();
}

export function deactivate(): void {}
