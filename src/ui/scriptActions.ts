// "Copy as Script..." (before a write is sent) and "Show Script" (after it succeeded): the Azure PowerShell or Azure
// CLI that makes the same write, from the domain's scriptFor (issue 11). Any write that gives the pipeline its
// ScriptOperation gets "Show Script" on its result notification (writePipeline.ts).
import * as vscode from 'vscode';
import { AzureWizardPromptStep, UserCancelledError, type IActionContext } from './azext';
import { SCRIPT_LANGUAGE_IDS, scriptFor, type ScriptOperation, type ScriptShell } from '../identity/scripts/equivalentScript';

const t = vscode.l10n.t;

interface ShellItem extends vscode.QuickPickItem {
  shell: ScriptShell;
}

function shellItems(): ShellItem[] {
  return [
    { label: t('Azure PowerShell'), description: t('Az modules (Microsoft.Graph for groups)'), shell: 'powershell' },
    { label: t('Azure CLI'), description: t('bash'), shell: 'azureCli' },
  ];
}

async function pickShell(title: string): Promise<ScriptShell | undefined> {
  return (await vscode.window.showQuickPick(shellItems(), { title, placeHolder: t('Select the script language') }))?.shell;
}

/**
 * Opens the script in an untitled editor with its language. When saved, a PowerShell script holding non-ASCII text
 * (a name in another script) needs a UTF-8 BOM for Windows PowerShell 5.1, which reads a BOM-less file as the ANSI
 * code page: the script's first comment says so, since an untitled editor cannot choose the encoding it saves with.
 */
export async function openScript(operation: ScriptOperation, shell: ScriptShell): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument({ language: SCRIPT_LANGUAGE_IDS[shell], content: scriptText(operation, shell) });
  return vscode.window.showTextDocument(document, { preview: false });
}

/** The script, with the BOM note for PowerShell scripts that need it when saved. */
export function scriptText(operation: ScriptOperation, shell: ScriptShell): string {
  const script = scriptFor(operation, shell);
  // eslint-disable-next-line no-control-regex
  if (shell === 'powershell' && /[^\x00-\x7F]/.test(script)) {
    return `# Save this file as "UTF-8 with BOM": Windows PowerShell 5.1 misreads non-ASCII names in a file without one.\n${script}`;
  }
  return script;
}

/** "Show Script" on a write's success notification: pick the language, then the script opens in an editor. */
export async function showScript(operation: ScriptOperation): Promise<void> {
  const shell = await pickShell(t('Show Script'));
  if (shell) {
    await openScript(operation, shell);
  }
}

/** "Copy as Script...": pick the language, then copy the script or open it in an editor. Nothing is sent to Azure. */
export async function copyAsScript(operation: ScriptOperation): Promise<void> {
  const shell = await pickShell(t('Copy as Script'));
  if (!shell) {
    return;
  }
  const copy = t('Copy to Clipboard');
  const open = t('Open in Editor');
  const choice = await vscode.window.showQuickPick([copy, open], { title: t('Copy as Script'), placeHolder: t('Copy the script, or open it in an editor?') });
  if (choice === copy) {
    await vscode.env.clipboard.writeText(scriptText(operation, shell));
    void vscode.window.showInformationMessage(t('Copied the script to the clipboard. Nothing was changed in Azure.'));
  } else if (choice === open) {
    await openScript(operation, shell);
  }
}

/** The title of the button that offers the script instead of sending the write. */
export function copyAsScriptTitle(): string {
  return t('Copy as Script...');
}

/** "Copy as Script..." on a write's last quick pick: on each entry of a single-select, in the title bar of a
 *  multi-select (where it scripts the checked entries). */
export function copyAsScriptButton(): vscode.QuickInputButton {
  return { iconPath: new vscode.ThemeIcon('terminal'), tooltip: copyAsScriptTitle() };
}

/** Offers the script in place of the write, then ends the command with nothing sent (UserCancelledError). */
export async function copyAsScriptInstead(operation: ScriptOperation, stepName: string): Promise<never> {
  await copyAsScript(operation);
  throw new UserCancelledError(`${stepName}CopyAsScript`);
}

/**
 * A write's modal confirmation with "Copy as Script..." beside the confirm button: pressing it offers the script
 * and ends the command with nothing sent. Throws UserCancelledError unless the write is confirmed.
 */
export async function confirmWrite(context: IActionContext, message: string, stepName: string, confirmTitle: string, operation: ScriptOperation): Promise<void> {
  const confirm: vscode.MessageItem = { title: confirmTitle };
  const copy: vscode.MessageItem = { title: copyAsScriptTitle() };
  const choice = await context.ui.showWarningMessage(message, { modal: true, stepName }, confirm, copy);
  if (choice === copy) {
    await copyAsScriptInstead(operation, stepName);
  }
}

/** What a create wizard's last step shows: the question, the confirm choice (with what it creates) and the script. */
export interface CreateReview {
  question: string;
  confirmLabel: string;
  detail?: string;
  script: ScriptOperation;
}

/**
 * A create wizard's last step, before anything is sent: the confirm choice first (Enter creates), then "Copy as
 * Script...", which offers the script and ends the wizard with nothing sent. The wizard's Back button goes back.
 */
export class ReviewWithScriptStep<C extends IActionContext> extends AzureWizardPromptStep<C> {
  constructor(private readonly review: (context: C) => CreateReview) {
    super();
  }

  async prompt(context: C): Promise<void> {
    const { question, confirmLabel, detail, script } = this.review(context);
    const choice = await context.ui.showQuickPick(
      [
        { label: confirmLabel, detail, data: 'confirm' as const },
        { label: copyAsScriptTitle(), detail: t('The Azure PowerShell or Azure CLI that creates the same; nothing is sent to Azure.'), data: 'script' as const },
      ],
      { placeHolder: question, suppressPersistence: true, stepName: 'review' },
    );
    if (choice.data === 'script') {
      await copyAsScriptInstead(script, 'review');
    }
  }

  shouldPrompt(): boolean {
    return true;
  }
}
