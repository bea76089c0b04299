// @microsoft/vscode-azext-utils, loaded so that it never sends telemetry. The library reads DEBUGTELEMETRY once, while
// its modules load, and then uses a local DebugReporter instead of an Application Insights client. ./debugTelemetry
// sets the variable just before the library's modules run and this module restores it just after, so other extensions
// in the host are not affected. Named imports of the library's ES modules let the bundler leave out what is never
// called (its tree framework, experimentation, Copilot and API-provider code).
import { previousDebugTelemetry } from './debugTelemetry';
import {
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

if (previousDebugTelemetry === undefined) {
  delete process.env.DEBUGTELEMETRY;
} else {
  process.env.DEBUGTELEMETRY = previousDebugTelemetry;
}

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
};
export type { IActionContext, IAzExtLogOutputChannel, IAzureQuickPickItem } from '@microsoft/vscode-azext-utils';
