// Page object of VS Code's workbench: what a person sees and does, in selectors that work in code-server and
// desktop VS Code alike (see ../../../shared/vscode-in-a-browser.md for the ones tried first).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';

const defaultTimeout = 20_000;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whole-text match, so "vm-web-0" never finds "vm-web-03". */
export function exactly(text: string): RegExp {
  return new RegExp(`^\\s*${escapeRegExp(text)}\\s*$`);
}

export class Workbench {
  constructor(
    readonly page: Page,
    private readonly screenshotDir: string,
  ) {
    page.setDefaultTimeout(defaultTimeout);
  }

  async waitForWorkbench(): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 90_000 });
    // The activity bar is populated once the extension host has registered contributions.
    await this.page.locator('.activitybar').waitFor({ state: 'visible', timeout: 60_000 });
  }

  // ---------- Views and tree ----------

  /** The activity bar's tab of a view container (an li.action-item holding an a.action-label named by the title). */
  activityBarEntry(title: string): Locator {
    return this.page.locator(`.activitybar li.action-item:has(> a.action-label[aria-label^="${title}"])`).first();
  }

  /** Opens a view container from the activity bar (no-op when it is already showing). */
  async openViewContainer(title: string): Promise<void> {
    const entry = this.activityBarEntry(title);
    await entry.waitFor({ state: 'visible', timeout: 60_000 });
    // The workbench may still be restoring its layout (which can open the container itself): click only while it
    // is closed, and check again after each click.
    for (let attempt = 0; attempt < 4; attempt++) {
      if ((await entry.getAttribute('aria-expanded')) === 'true') return;
      await entry.click();
      await this.page.waitForTimeout(750);
    }
    if ((await entry.getAttribute('aria-expanded')) !== 'true') throw new Error(`view container ${title} did not open`);
  }

  async openManagedIdentities(): Promise<void> {
    await this.openViewContainer('Managed Identities');
    await this.widenSidebar(520);
  }

  /** Drags the side bar's edge so labels and descriptions are readable in screenshots. */
  async widenSidebar(width: number): Promise<void> {
    const box = await this.sidebar().boundingBox();
    if (!box || box.width >= width - 5) return;
    const edgeX = box.x + box.width;
    const y = box.y + box.height / 2;
    await this.page.mouse.move(edgeX + 1, y);
    await this.page.mouse.down();
    await this.page.mouse.move(box.x + width, y, { steps: 5 });
    await this.page.mouse.up();
  }

  /** Drags the side bar's edge to exactly `width` pixels, narrower or wider. */
  async resizeSidebar(width: number): Promise<void> {
    const box = await this.sidebar().boundingBox();
    if (!box || Math.abs(box.width - width) <= 2) return;
    const y = box.y + box.height / 2;
    await this.page.mouse.move(box.x + box.width + 1, y);
    await this.page.mouse.down();
    await this.page.mouse.move(box.x + width + 1, y, { steps: 5 });
    await this.page.mouse.up();
  }

  /** Whether the start of a row's description (its first `characters`) shows whole, not cut off by the side bar. */
  async descriptionStartVisible(row: Locator, characters: number): Promise<boolean> {
    return row.evaluate((element, count) => {
      const description = element.querySelector('.label-description');
      const container = element.querySelector('.monaco-icon-label-container') ?? element;
      const text = description?.firstChild;
      if (!description || !text) return false;
      const range = document.createRange();
      range.setStart(text, 0);
      range.setEnd(text, Math.min(count, text.textContent?.length ?? 0));
      // The description ends in an ellipsis where it is cut: what lies right of the container's edge is hidden.
      return range.getBoundingClientRect().right <= container.getBoundingClientRect().right - 12;
    }, characters);
  }

  /** The view's title as shown in the side bar's header, and whether it fits there uncut. */
  async viewTitle(): Promise<{ text: string; fits: boolean }> {
    const title = this.sidebar().locator('.composite.title .title-label h2, .pane-header .title').first();
    return title.evaluate((element) => ({ text: (element.textContent ?? '').trim(), fits: element.scrollWidth <= element.clientWidth }));
  }

  sidebar(): Locator {
    return this.page.locator('.part.sidebar');
  }

  /** The first list row under `container` whose (first) label is exactly `label`. */
  private rowLabelled(container: Locator, label: string): Locator {
    return container
      .locator('.monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: exactly(label) }) })
      .first();
  }

  /** A tree row in the side bar whose label is exactly `label`. */
  treeRow(label: string): Locator {
    return this.rowLabelled(this.sidebar(), label);
  }

  /** Every visible row's label and description, top to bottom (for assertions and failure messages). */
  async visibleTreeRows(): Promise<string[]> {
    const rows = this.sidebar().locator('.monaco-list-row');
    const texts = await rows.evaluateAll((elements) =>
      elements.map((element) => {
        const name = element.querySelector('.label-name')?.textContent ?? '';
        const description = element.querySelector('.label-description')?.textContent ?? '';
        return `${name}${description ? ` — ${description}` : ''}`.trim();
      }),
    );
    return texts;
  }

  async rowDescription(row: Locator): Promise<string> {
    return ((await row.locator('.label-description').first().textContent().catch(() => '')) ?? '').trim();
  }

  /** Waits until the row's description matches (the tree refreshes itself after a change). */
  async waitForRowDescription(label: string, pattern: RegExp, timeout = 30_000): Promise<string> {
    const deadline = Date.now() + timeout;
    let description = '';
    while (Date.now() < deadline) {
      description = await this.rowDescription(this.treeRow(label));
      if (pattern.test(description)) return description;
      await this.page.waitForTimeout(250);
    }
    throw new Error(`tree row ${label}: description '${description}' never matched ${pattern}; rows: ${JSON.stringify(await this.visibleTreeRows())}`);
  }

  async expand(row: Locator): Promise<void> {
    await row.waitFor({ state: 'visible' });
    if ((await row.getAttribute('aria-expanded')) === 'false') {
      await row.locator('.monaco-tl-twistie').click();
      await this.page.waitForFunction((element) => element?.getAttribute('aria-expanded') === 'true', await row.elementHandle(), { timeout: defaultTimeout });
    }
  }

  /** Expands each label in turn (e.g. subscription, then VM) and returns the last row. */
  async expandPath(...labels: string[]): Promise<Locator> {
    let row: Locator | undefined;
    for (const label of labels) {
      row = this.treeRow(label);
      await row.waitFor({ state: 'visible', timeout: 45_000 });
      await this.expand(row);
    }
    if (!row) throw new Error('expandPath needs at least one label');
    return row;
  }

  /** Shows the row (expanding its ancestors) without expanding it. */
  async reveal(...labels: string[]): Promise<Locator> {
    const ancestors = labels.slice(0, -1);
    if (ancestors.length) await this.expandPath(...ancestors);
    const row = this.treeRow(labels[labels.length - 1]);
    await row.waitFor({ state: 'visible', timeout: 45_000 });
    return row;
  }

  /**
   * Right-clicks a row and picks an item of its context menu. The item is chosen with the keyboard, as VS Code's
   * menu ignores a mouse-up that arrives right after it opened.
   */
  async contextMenu(row: Locator, item: string): Promise<void> {
    await row.waitFor({ state: 'visible' });
    await row.click({ button: 'right' });
    const menu = this.page.locator('.monaco-menu').first();
    await menu.waitFor({ state: 'visible' });
    const labels = (await menu.locator('.action-item:not(.disabled) .action-label').allTextContents()).map((text) => text.trim());
    if (!labels.includes(item)) {
      await this.page.keyboard.press('Escape');
      throw new Error(`context menu has no '${item}'; it has: ${JSON.stringify(labels)}`);
    }
    for (let step = 0; step <= labels.length; step++) {
      await this.page.keyboard.press('ArrowDown');
      const focused = ((await menu.locator('.action-item.focused .action-label').first().textContent().catch(() => '')) ?? '').trim();
      if (focused === item) {
        await this.page.keyboard.press('Enter');
        await menu.waitFor({ state: 'hidden' });
        return;
      }
    }
    throw new Error(`could not focus '${item}' in the context menu`);
  }

  /** The labels of a row's context menu (the menu is closed again). */
  async contextMenuItems(row: Locator): Promise<string[]> {
    await row.click({ button: 'right' });
    const menu = this.page.locator('.monaco-menu').first();
    await menu.waitFor({ state: 'visible' });
    const labels = (await menu.locator('.action-item:not(.disabled) .action-label').allTextContents()).map((text) => text.trim()).filter(Boolean);
    await this.page.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden' });
    return labels;
  }

  /** Clicks an inline action (hover icon) of a row by its title. */
  async inlineAction(row: Locator, title: string): Promise<void> {
    await row.hover();
    await row.locator(`.actions .action-label[aria-label^="${title}"]`).first().click();
  }

  async refreshTreeFromTitleBar(): Promise<void> {
    await this.sidebar().hover();
    // The view's title-bar action (rows carry a hidden Refresh of their own in their context actions).
    await this.sidebar().locator('.title-actions .action-label[aria-label^="Refresh"]:visible, .pane-header .action-label[aria-label^="Refresh"]:visible').first().click();
  }

  // ---------- Command palette and quick input ----------

  quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  /** F1, the command's title, Enter: as a person runs a command. */
  async runCommand(title: string): Promise<void> {
    await this.page.locator('.monaco-workbench').click({ position: { x: 700, y: 5 }, force: true }).catch(() => {});
    await this.page.keyboard.press('F1');
    const input = this.quickInput().locator('input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    const row = this.quickPickRow(title);
    await row.waitFor({ state: 'visible' });
    await row.click();
  }

  /** A palette command that acts on a VM: run it, then pick the subscription and the VM as its quick picks ask. */
  async runOnVm(title: string, subscription: string, vm: string): Promise<void> {
    await this.runCommand(title);
    await this.pick(subscription);
    await this.waitForQuickInput(/virtual machine/i);
    await this.pick(vm);
  }

  quickPickRow(label: string): Locator {
    return this.rowLabelled(this.quickInput().locator('.quick-input-list'), label);
  }

  /** Waits for a quick pick whose title or placeholder contains `text`. */
  async waitForQuickInput(text?: string | RegExp): Promise<void> {
    await this.quickInput().waitFor({ state: 'visible' });
    if (text) {
      await this.page.waitForFunction(
        ({ source, flags }) => {
          const widget = document.querySelector('.quick-input-widget');
          if (!widget) return false;
          const title = widget.querySelector('.quick-input-title')?.textContent ?? '';
          const input = widget.querySelector('input') as HTMLInputElement | null;
          return new RegExp(source, flags).test(`${title} ${input?.placeholder ?? ''} ${input?.getAttribute('aria-label') ?? ''}`);
        },
        typeof text === 'string' ? { source: escapeRegExp(text), flags: 'i' } : { source: text.source, flags: text.flags },
      );
    }
  }

  /** Waits until the open quick pick shows items (lists load asynchronously behind a "Loading..." placeholder). */
  async waitForQuickPickItems(): Promise<void> {
    await this.quickInput().locator('.quick-input-list .monaco-list-row').first().waitFor({ state: 'visible' });
  }

  /** The labels offered by the open quick pick, once it has loaded. */
  async quickPickLabels(): Promise<string[]> {
    await this.waitForQuickPickItems();
    // The first label of each row is the item's label; a detail line carries its own.
    return this.quickInput()
      .locator('.quick-input-list .monaco-list-row')
      .evaluateAll((rows) => rows.map((row) => (row.querySelector('.label-name')?.textContent ?? '').trim()));
  }

  /** Rows with their description and detail, for checking how items are presented. */
  async quickPickRowsText(): Promise<string[]> {
    await this.waitForQuickPickItems();
    return this.quickInput()
      .locator('.quick-input-list .monaco-list-row')
      .evaluateAll((rows) => rows.map((row) => (row.textContent ?? '').replace(/\s+/g, ' ').trim()));
  }

  /** Picks one item of a single-select quick pick. */
  async pick(label: string): Promise<void> {
    const row = this.quickPickRow(label);
    await row.waitFor({ state: 'visible' });
    await row.click();
  }

  /** Ticks items of a multi-select quick pick, then accepts with OK. */
  async pickMany(labels: string[]): Promise<void> {
    await this.checkQuickPickItems(labels);
    await this.acceptQuickInput();
  }

  /** Ticks items of a multi-select quick pick, without accepting. */
  async checkQuickPickItems(labels: string[]): Promise<void> {
    for (const label of labels) {
      const row = this.quickPickRow(label);
      await row.waitFor({ state: 'visible' });
      const checkbox = row.locator('input[type="checkbox"], .quick-input-list-checkbox, .monaco-checkbox').first();
      if (await checkbox.count()) await checkbox.click();
      else await row.click();
    }
  }

  /** Clicks a button of the open quick input's title bar, found by its tooltip (e.g. "Copy as Script..."). */
  async clickQuickInputButton(tooltip: string): Promise<void> {
    const button = this.quickInput().locator('.quick-input-titlebar .action-label, .quick-input-header .action-label').and(this.page.locator(`[aria-label="${tooltip}"], [title="${tooltip}"]`)).first();
    await button.waitFor({ state: 'visible' });
    await button.click();
  }

  /** Clicks a button of a quick pick item, found by its tooltip; VS Code shows item buttons on hover. */
  async clickQuickPickItemButton(label: string, tooltip: string): Promise<void> {
    const row = this.quickPickRow(label);
    await row.waitFor({ state: 'visible' });
    await row.hover();
    const button = row.locator(`.action-label[aria-label="${tooltip}"], .action-label[title="${tooltip}"]`).first();
    await button.waitFor({ state: 'visible' });
    await button.click();
  }

  /** The clipboard once it holds text matching `pattern` (the extension writes it after the click returns). */
  async clipboardMatching(pattern: RegExp, timeout = 5_000): Promise<string> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const text = await this.page.evaluate(async () => navigator.clipboard.readText());
      if (pattern.test(text) || Date.now() > deadline) return text;
      await this.page.waitForTimeout(200);
    }
  }

  /** OK button of a multi-select quick pick, or Enter. */
  async acceptQuickInput(): Promise<void> {
    const ok = this.quickInput().locator('.quick-input-action .monaco-button, .quick-input-ok .monaco-button').filter({ hasText: /OK/ }).first();
    if (await ok.isVisible().catch(() => false)) await ok.click();
    else await this.quickInput().locator('input').first().press('Enter');
  }

  /** Types into the quick input's box (input box prompts and type-ahead pickers). */
  async typeInQuickInput(text: string, options: { clear?: boolean } = { clear: true }): Promise<void> {
    const input = this.quickInput().locator('.quick-input-box input').first();
    await input.waitFor({ state: 'visible' });
    if (options.clear) await input.fill('');
    await input.pressSequentially(text, { delay: 20 });
  }

  async quickInputValue(): Promise<string> {
    return this.quickInput().locator('.quick-input-box input').first().inputValue();
  }

  /**
   * The inline validation message under the input box, '' when there is none. (The same element shows the prompt
   * when the value is valid; a validation message is the one shown with an error or warning decoration.)
   */
  async quickInputMessage(): Promise<string> {
    return this.quickInput().evaluate((widget) => {
      const box = widget.querySelector('.quick-input-box .monaco-inputbox');
      const decorated = !!box && (box.classList.contains('error') || box.classList.contains('warning'));
      return decorated ? (widget.querySelector('.quick-input-message')?.textContent ?? '').trim() : '';
    });
  }

  /** The quick input's title, e.g. "Create User-Assigned Identity (1/3)". */
  async quickInputTitle(): Promise<string> {
    return ((await this.quickInput().locator('.quick-input-title').first().textContent()) ?? '').trim();
  }

  async pressEnter(): Promise<void> {
    await this.page.keyboard.press('Enter');
  }

  // ---------- Notifications and dialogs ----------

  toasts(): Locator {
    return this.page.locator('.notifications-toasts .notification-toast');
  }

  /** Waits for a notification whose message matches, and returns it. */
  async waitForNotification(text: string | RegExp, timeout = 45_000): Promise<Locator> {
    const toast = this.toasts().filter({ hasText: text }).first();
    try {
      await toast.waitFor({ state: 'visible', timeout });
    } catch (error) {
      const shown = await this.notificationTexts();
      throw new Error(`no notification matching ${String(text)}; shown: ${JSON.stringify(shown)}\n${String(error)}`);
    }
    return toast;
  }

  async notificationTexts(): Promise<string[]> {
    return (await this.toasts().allTextContents()).map((text) => text.replace(/\s+/g, ' ').trim());
  }

  /** Clicks a button of a notification. */
  async clickNotificationButton(toast: Locator, button: string): Promise<void> {
    await toast.locator('.monaco-button, a.monaco-button').filter({ hasText: exactly(button) }).first().click();
  }

  async clearNotifications(): Promise<void> {
    // "Notifications: Clear All Notifications" through the palette keeps the next scenario's assertions clean.
    const toasts = this.toasts();
    const count = await toasts.count();
    for (let index = count - 1; index >= 0; index--) {
      const close = toasts.nth(index).locator('.codicon-notifications-clear, .codicon-close').first();
      if (await close.isVisible().catch(() => false)) await close.click().catch(() => {});
    }
  }

  dialog(): Locator {
    return this.page.locator('.monaco-dialog-box');
  }

  /** The open modal dialog's message and detail. */
  async dialogText(): Promise<string> {
    await this.dialog().waitFor({ state: 'visible' });
    return ((await this.dialog().textContent()) ?? '').replace(/\s+/g, ' ').trim();
  }

  /** Clicks a button of the open modal dialog ("Cancel" closes it without acting). */
  async answerDialog(button: string): Promise<void> {
    const dialog = this.dialog();
    await dialog.waitFor({ state: 'visible' });
    await dialog.locator('.monaco-button').filter({ hasText: exactly(button) }).first().click();
    await dialog.waitFor({ state: 'hidden' });
  }

  // ---------- Editors ----------

  /** The text of the active editor, read from VS Code's model (the DOM holds only the visible lines). */
  /**
   * The active editor's whole text. With `expected`, reads again (for up to 10 s) until the text matches: a document
   * the extension opens may become active a moment after the command's last step, while the previous one still shows.
   */
  async activeEditorText(expected?: RegExp): Promise<string> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const text = await this.readActiveEditor();
      if (!expected || expected.test(text) || Date.now() > deadline) {
        return text;
      }
      await this.page.waitForTimeout(300);
    }
  }

  private async readActiveEditor(): Promise<string> {
    const editor = this.page.locator('.editor-group-container.active .monaco-editor').first();
    await editor.waitFor({ state: 'visible' });
    await editor.locator('.view-lines').click();
    await this.page.keyboard.press('ControlOrMeta+A');
    // Reading the selection through the clipboard keeps this independent of how many lines are rendered.
    await this.page.keyboard.press('ControlOrMeta+C');
    const text = await this.page.evaluate(async () => navigator.clipboard.readText());
    await this.page.keyboard.press('ControlOrMeta+Home'); // drops the selection, so screenshots show plain text
    return text;
  }

  activeTabTitle(): Promise<string> {
    return this.page
      .locator('.tabs-container .tab.active .label-name, .title-label .label-name')
      .first()
      .textContent()
      .then((text) => (text ?? '').trim());
  }

  // ---------- Evidence ----------

  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(this.screenshotDir, { recursive: true });
    const file = path.join(this.screenshotDir, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }
}
