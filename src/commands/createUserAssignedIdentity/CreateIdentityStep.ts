import * as vscode from 'vscode';
import { AzureWizardExecuteStep } from '../../ui/azext';
import type { CreateIdentityWizardContext } from './CreateIdentityWizardContext';

export class CreateIdentityStep extends AzureWizardExecuteStep<CreateIdentityWizardContext> {
  priority = 100;

  async execute(
    context: CreateIdentityWizardContext,
    progress: vscode.Progress<{ message?: string; increment?: number }>,
  ): Promise<void> {
    const name = context.newIdentityName!;
    const resourceGroup = context.resourceGroup!.name;
    progress.report({ message: vscode.l10n.t("Creating user-assigned identity '{0}' in '{1}'...", name, resourceGroup) });
    context.createdIdentity = await context.operations.createUserAssignedIdentity(
      { subscriptionId: context.subscription.subscriptionId, resourceGroup, name, location: context.location! },
      { onProgress: (message) => progress.report({ message }) },
    );
  }

  shouldExecute(context: CreateIdentityWizardContext): boolean {
    return !context.createdIdentity;
  }
}
