import * as vscode from 'vscode';
import { VM_IMAGES } from '../../identity/newVirtualMachine';
import { AzureWizardPromptStep } from '../../ui/azext';
import type { CreateVmWizardContext } from './CreateVmWizardContext';

/** The image, before the name: a Windows computer name has stricter rules. */
export class ImageStep extends AzureWizardPromptStep<CreateVmWizardContext> {
  async prompt(context: CreateVmWizardContext): Promise<void> {
    const picked = await context.ui.showQuickPick(
      VM_IMAGES.map((image) => ({ label: image.label, description: `${image.publisher}:${image.offer}:${image.sku}:${image.version}`, data: image })),
      { placeHolder: vscode.l10n.t('Select an image'), suppressPersistence: true, stepName: 'image' },
    );
    if (picked.data.osType !== context.image?.osType) {
      context.credential = undefined; // an SSH key does not sign in to Windows, nor a password here to Linux
    }
    context.image = picked.data;
  }

  shouldPrompt(context: CreateVmWizardContext): boolean {
    return !context.image;
  }
}
