// @microsoft/vscode-azext-utils, loaded so that it never sends telemetry. The library reads DEBUGTELEMETRY once, while
// its modules load, and then uses a local DebugReporter instead of an Application Insights client. The variable is
// set only for this synchronous require and restored at once, so other extensions in the host are not affected.
import type * as AzExtUtils from '@microsoft/vscode-azext-utils';

const previous = process.env.DEBUGTELEMETRY;
process.env.DEBUGTELEMETRY = '1';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const azext = require('@microsoft/vscode-azext-utils') as typeof AzExtUtils;
if (previous === undefined) {
  delete process.env.DEBUGTELEMETRY;
} else {
  process.env.DEBUGTELEMETRY = previous;
}

export const {
  AzureWizard,
  AzureWizardExecuteStep,
  AzureWizardPromptStep,
  UserCancelledError,
  callWithTelemetryAndErrorHandling,
  createAzExtLogOutputChannel,
  isUserCancelledError,
  registerCommand,
  registerErrorHandler,
  registerOnActionStartHandler,
  registerUIExtensionVariables,
} = azext;
export type { IActionContext, IAzExtLogOutputChannel, IAzureQuickPickItem } from '@microsoft/vscode-azext-utils';
