import * as vscode from 'vscode';
import { validateVirtualMachineName } from '../../identity/newVirtualMachine';
import { AzureWizardPromptStep } from '../../ui/azext';
import type { CreateVmWizardContext } from './CreateVmWizardContext';

const t = vscode.l10n.t;

/** The name, checked on every keystroke against ARM's and the computer name's rules and the group's VMs. */
export class VmNameStep extends AzureWizardPromptStep<CreateVmWizardContext> {
  async prompt(context: CreateVmWizardContext): Promise<void> {
    const group = context.resourceGroup!.name;
    // A taken name is also refused by the create call; marking it here is a help.
    const taken = new Set(
      (await context.virtualMachines.catch(() => []))
        .filter((vm) => vm.resourceGroup.toLowerCase() === group.toLowerCase())
        .map((vm) => vm.name.toLowerCase()),
    );
    context.vmName = (
      await context.ui.showInputBox({
        prompt: t('Enter a name for the new virtual machine (also its computer name)'),
        placeHolder: t('Name of the new virtual machine, for example vm-app-01'),
        value: context.vmName,
        validateInput: (value) =>
          validateVirtualMachineName(value.trim(), context.image?.osType, t) ??
          (taken.has(value.trim().toLowerCase()) ? t("A virtual machine named '{0}' already exists in resource group '{1}'. Choose another name.", value.trim(), group) : undefined),
        stepName: 'vmName',
      })
    ).trim();
  }

  shouldPrompt(context: CreateVmWizardContext): boolean {
    return !context.vmName;
  }
}
