// @microsoft/vscode-azext-utils, loaded so that it never sends telemetry. The library reads DEBUGTELEMETRY once, while
// its modules load, and then uses a local DebugReporter instead of an Application Insights client. ./debugTelemetry
// sets the variable just before the library's modules run and this module restores it just after, so other extensions
// in the host are not affected. Naming what is used from the library's ES modules lets the bundler leave out what is
// never called (its tree framework, experimentation, Copilot and API-provider code).
import { previousDebugTelemetry } from './debugTelemetry';
export {
  AzureWizard,
  AzureWizardExecuteStep,
  AzureWizardPromptStep,
  UserCancelledError,
  callWithTelemetryAndErrorHandling,
  createAzExtLogOutputChannel,
  isUserCancelledError,
  registerErrorHandler,
  registerOnActionStartHandler,
  registerUIExtensionVariables,
} from '@microsoft/vscode-azext-utils';

// Runs after the library's modules (imports, re-exports included, run before this module's own code).
if (previousDebugTelemetry === undefined) {
  delete process.env.DEBUGTELEMETRY;
} else {
  process.env.DEBUGTELEMETRY = previousDebugTelemetry;
}
export type { IActionContext, IAzExtLogOutputChannel, IAzureQuickPickItem } from '@microsoft/vscode-azext-utils';
