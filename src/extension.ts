// Activation: the log, azext-utils (telemetry never sent), the account from settings, the one IdentityOperations,
// the tree, the JSON tabs and the commands. Nothing here reaches Azure until the tree is shown: then it only asks
// whether the account is signed in and lists what the tree displays.
import { UserCancelledError, createAzExtLogOutputChannel, registerErrorHandler, registerOnActionStartHandler, registerUIExtensionVariables } from './ui/azext';
import * as vscode from 'vscode';
import { redactingLogger } from './azure/logger';
import { affectsSignIn, createAzureAccount } from './azure/vscodeAccount';
import { registerCommands } from './commands/registerCommands';
import { isIdentityError } from './identity/errors';
import { IdentityOperations } from './identity/operations';
import { SubscriptionFilter } from './tree/subscriptionFilter';
import { VMS_VIEW_ID, VmTreeDataProvider } from './tree/VmTreeDataProvider';
import { identityErrorButtons } from './ui/errorActions';
import { describeError } from './ui/errors';
import { IDENTITY_JSON_SCHEME, IdentityJsonProvider } from './ui/identityJsonProvider';
import type { Services } from './ui/services';
import { AccountSession } from './ui/session';
import { TenantOffers } from './ui/tenantOffers';

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = createAzExtLogOutputChannel(vscode.l10n.t('Azure VM Managed Identities'));
  context.subscriptions.push(log);
  registerUIExtensionVariables({ context, outputChannel: log });
  const logger = redactingLogger(log);

  // Settings warnings (e.g. a workspace trying to choose the sign-in) are shown each time the account is made.
  const session = new AccountSession(() => {
    const { account, warnings } = createAzureAccount(logger);
    warnings.forEach((warning) => void vscode.window.showWarningMessage(warning));
    return account;
  });
  const operations = new IdentityOperations(session.clientProvider, { localize: vscode.l10n.t, signInMethod: () => session.signInMethod });
  const subscriptionFilter = new SubscriptionFilter(context.globalState);
  const tree = new VmTreeDataProvider(operations, session, subscriptionFilter);
  const identityJson = new IdentityJsonProvider(operations);
  const services: Services = { operations, tree, identityJson, session, subscriptionFilter, log };

  const tenantOffers = new TenantOffers(session, log);
  const treeView = vscode.window.createTreeView(VMS_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  context.subscriptions.push(
    session,
    tree,
    treeView,
    identityJson,
    vscode.workspace.registerTextDocumentContentProvider(IDENTITY_JSON_SCHEME, identityJson),
    session.onDidChange(() => void tree.refresh()),
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
