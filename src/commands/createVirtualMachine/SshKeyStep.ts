import { readdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { validateSshPublicKey } from '../../identity/newVirtualMachine';
import { sortBy } from '../../identity/ordering';
import { AzureWizardPromptStep, type IAzureQuickPickItem } from '../../ui/azext';
import type { CreateVmWizardContext } from './CreateVmWizardContext';

const t = vscode.l10n.t;

/** Linux: a public key from ~/.ssh/*.pub (those that are valid keys), or pasted. */
export class SshKeyStep extends AzureWizardPromptStep<CreateVmWizardContext> {
  async prompt(context: CreateVmWizardContext): Promise<void> {
    const files = await publicKeyFiles();
    const paste: IAzureQuickPickItem<string | undefined> = { label: t('Paste a public key...'), data: undefined };
    const picked = await context.ui.showQuickPick(
      [...files.map((file): IAzureQuickPickItem<string | undefined> => ({ label: file.name, description: file.comment, data: file.key })), paste],
      { placeHolder: t('Select the SSH public key the administrator signs in with'), suppressPersistence: true, stepName: 'sshKey' },
    );
    const publicKey =
      picked.data ??
      (await context.ui.showInputBox({
        prompt: t('Paste an OpenSSH public key (ssh-rsa or ssh-ed25519)'),
        placeHolder: t('OpenSSH public key, for example ssh-ed25519 AAAA... you@host'),
        validateInput: (value) => validateSshPublicKey(value, t),
        stepName: 'sshKeyText',
      }));
    context.credential = { kind: 'sshPublicKey', publicKey: publicKey.trim() };
  }

  shouldPrompt(context: CreateVmWizardContext): boolean {
    return context.image?.osType === 'Linux' && context.credential?.kind !== 'sshPublicKey';
  }
}

async function publicKeyFiles(): Promise<{ name: string; key: string; comment?: string }[]> {
  const folder = join(homedir(), '.ssh');
  const names = await readdir(folder).catch(() => []);
  const found: { name: string; key: string; comment?: string }[] = [];
  for (const name of sortBy(names.filter((n) => n.endsWith('.pub')), (n) => n)) {
    const key = (await readFile(join(folder, name), 'utf8').catch(() => '')).trim();
    if (!validateSshPublicKey(key)) {
      found.push({ name: join('~', '.ssh', name), key, comment: key.split(' ').slice(2).join(' ') || undefined });
    }
  }
  return found;
}
