import * as vscode from 'vscode';
import { nameTakenProblem, validateVirtualMachineName } from '../../identity/nameRules';
import { sameResourceId } from '../../identity/resourceIds';
import { AzureWizardPromptStep } from '../../ui/azext';
import type { CreateVmWizardContext } from './CreateVmWizardContext';

const t = vscode.l10n.t;

/** The name, checked on every keystroke against ARM's and the computer name's rules and the group's VMs as far as they are known. */
export class VmNameStep extends AzureWizardPromptStep<CreateVmWizardContext> {
  async prompt(context: CreateVmWizardContext): Promise<void> {
    const group = context.resourceGroup!.name;
    // The box shows at once; a taken name is marked once the VMs are known (the create call refuses it in any case).
    let namesInGroup: string[] = [];
    void context.existingHosts.then(
      (hosts) => (namesInGroup = hosts.filter((host) => sameResourceId(host.resourceGroup, group)).map((host) => host.name)),
      () => undefined,
    );
    context.vmName = (
      await context.ui.showInputBox({
        prompt: t('Enter a name for the new virtual machine (also its computer name)'),
        placeHolder: t('Name of the new virtual machine, for example vm-app-01'),
        value: context.vmName,
        validateInput: (value) =>
          validateVirtualMachineName(value.trim(), context.image?.osType, t) ?? nameTakenProblem('virtualMachine', value, group, namesInGroup, t),
        stepName: 'vmName',
      })
    ).trim();
  }

  shouldPrompt(context: CreateVmWizardContext): boolean {
    return !context.vmName;
  }
}
