// Quick picks that azext-utils' context.ui does not offer: multi-selects with locked (shown, never picked) entries, and
// a type-ahead search with debounce and "Load more...". Cancelling throws UserCancelledError, as context.ui does.
import * as vscode from 'vscode';
import { UserCancelledError, type IActionContext, type IAzureQuickPickItem } from './azext';
import { describeError } from './describeError';
import type { ScriptOperation } from '../identity/scripts/equivalentScript';
import { copyAsScriptButton, copyAsScriptInstead } from './scriptActions';
import { isSeparator, type PickEntry, type PickItem } from './quickPickItems';

type VsItem<T> = vscode.QuickPickItem & { entry?: PickItem<T> };

export function toQuickPickItem<T>(entry: PickEntry<T>): VsItem<T> {
  if (isSeparator(entry)) {
    return { label: entry.label, kind: vscode.QuickPickItemKind.Separator };
  }
  return {
    label: entry.iconId ? `$(${entry.iconId}) ${entry.label}` : entry.label,
    description: entry.description,
    detail: entry.detail,
    entry,
  };
}

export interface MultiPickOptions<T = unknown> {
  title?: string;
  placeholder: string;
  /** Shown while the entries load. */
  loadingPlaceholder?: string;
  /** "Copy as Script..." in the title bar: the script of the write the checked entries would make, or why there is
   *  none (shown, and the pick stays open). Pressing it sends nothing and ends the command. */
  scriptOf?: (checked: T[]) => ScriptOperation | string;
}

/**
 * A multi-select whose locked entries are shown but cannot be checked; resolves with the checked entries' data. Like
 * every pick here it opens at once and shows its loading state until the entries arrive; a failed load rejects.
 */
export function pickMany<T>(entries: PickEntry<T>[] | Promise<PickEntry<T>[]>, options: MultiPickOptions<T>): Promise<T[]> {
  const quickPick = vscode.window.createQuickPick<VsItem<T>>();
  quickPick.canSelectMany = true;
  quickPick.title = options.title;
  quickPick.placeholder = options.loadingPlaceholder ?? options.placeholder;
  quickPick.matchOnDescription = true;
  quickPick.busy = true;
  const scriptButton = options.scriptOf && copyAsScriptButton();
  quickPick.buttons = scriptButton ? [scriptButton] : [];
  return new Promise<T[]>((resolve, reject) => {
    let accepted = false;
    let hidden = false;
    const checked = () => quickPick.selectedItems.filter((item) => item.entry && !item.entry.locked).map((item) => item.entry!.data);
    const disposables = [
      quickPick.onDidTriggerButton((button) => {
        const script = button === scriptButton ? options.scriptOf?.(checked()) : undefined;
        if (typeof script === 'string') {
          void vscode.window.showInformationMessage(script);
        } else if (script) {
          accepted = true; // settled: hiding must not turn the script into a cancellation before it is offered
          quickPick.hide();
          copyAsScriptInstead(script, 'pickMany').catch(reject);
        }
      }),
      quickPick.onDidChangeSelection((selected) => {
        const allowed = selected.filter((item) => item.entry && !item.entry.locked);
        if (allowed.length !== selected.length) {
          quickPick.selectedItems = allowed;
        }
      }),
      quickPick.onDidAccept(() => {
        const picked = checked();
        if (picked.length === 0) {
          quickPick.hide(); // nothing checked: nothing to do, as when cancelled
          return;
        }
        accepted = true;
        resolve(picked);
        quickPick.hide();
      }),
      quickPick.onDidHide(() => {
        hidden = true;
        disposables.forEach((d) => d.dispose());
        quickPick.dispose();
        if (!accepted) {
          reject(new UserCancelledError('pickMany'));
        }
      }),
    ];
    quickPick.show();
    Promise.resolve(entries).then(
      (loaded) => {
        if (hidden) {
          return;
        }
        quickPick.items = loaded.map(toQuickPickItem);
        quickPick.selectedItems = quickPick.items.filter((item) => item.entry?.picked);
        quickPick.placeholder = options.placeholder;
        quickPick.busy = false;
      },
      (error: unknown) => {
        if (!hidden) {
          accepted = true; // settled: hiding must not turn the failure into a cancellation
          reject(error);
          quickPick.hide();
        }
      },
    );
  });
}

export interface SearchPickOptions<T> {
  title?: string;
  placeholder: string;
  /** Entries for a search text; `more` continues the same search. */
  search(text: string, signal: AbortSignal): Promise<SearchPage<T>>;
  /** What to show when a search finds nothing (e.g. "No groups match 'x'"), rather than an empty list. */
  noMatches(text: string): string;
  debounceMs?: number;
  /** "Copy as Script..." on each entry that has a script (not on locked ones): the write that accepting it would
   *  make. Pressing it sends nothing and ends the command. */
  scriptOf?: (data: T) => ScriptOperation | undefined;
}

export interface SearchPage<T> {
  entries: PickEntry<T>[];
  /** Fetches the next page's entries (appended); absent on the last page. */
  more?: (signal: AbortSignal) => Promise<SearchPage<T>>;
}

/**
 * A single-select that searches as the user types (debounced; older searches are aborted), with a "Load more..." entry
 * (recognised by `isLoadMore`) that appends the next page. Resolves with the accepted entry, locked ones included, so
 * the caller can say why a locked one needs nothing done.
 */
export function pickWithSearch<T>(options: SearchPickOptions<T>, isLoadMore: (data: T) => boolean): Promise<PickItem<T>> {
  const quickPick = vscode.window.createQuickPick<VsItem<T>>();
  quickPick.title = options.title;
  quickPick.placeholder = options.placeholder;
  // Stays open while a search asks for Microsoft Graph consent (a dialog that takes the focus).
  quickPick.ignoreFocusOut = true;
  const debounceMs = options.debounceMs ?? 300;
  let controller: AbortController | undefined;
  let timer: NodeJS.Timeout | undefined;
  let entries: PickEntry<T>[] = [];
  let more: SearchPage<T>['more'];

  let searched = '';
  const scriptButton = options.scriptOf && copyAsScriptButton();
  const withScriptButton = (item: VsItem<T>): VsItem<T> =>
    scriptButton && item.entry && !item.entry.locked && options.scriptOf?.(item.entry.data) ? { ...item, buttons: [scriptButton] } : item;
  const show = (page: SearchPage<T>, append: boolean) => {
    const withoutLoadMore = entries.filter((entry) => isSeparator(entry) || !isLoadMore(entry.data));
    entries = append ? [...withoutLoadMore, ...page.entries] : page.entries;
    more = page.more;
    // Graph already filtered the results (and "Load more..." matches no text): VS Code must not hide any of them.
    quickPick.items =
      entries.length === 0
        ? [{ label: `$(info) ${options.noMatches(searched)}`, alwaysShow: true }]
        : entries.map((entry) => withScriptButton({ ...toQuickPickItem(entry), alwaysShow: true }));
  };
  const run = (load: (signal: AbortSignal) => Promise<SearchPage<T>>, append: boolean) => {
    controller?.abort();
    const current = new AbortController();
    controller = current;
    quickPick.busy = true;
    load(current.signal).then(
      (page) => {
        if (controller === current) {
          show(page, append);
        }
      },
      (error: unknown) => {
        if (controller === current) {
          entries = [];
          more = undefined;
          quickPick.items = [{ label: `$(error) ${describeError(error)}`, alwaysShow: true }];
        }
      },
    ).finally(() => {
      if (controller === current) {
        quickPick.busy = false;
      }
    });
  };

  return new Promise<PickItem<T>>((resolve, reject) => {
    let accepted = false;
    const disposables = [
      quickPick.onDidTriggerItemButton(({ button, item }) => {
        const script = button === scriptButton && item.entry ? options.scriptOf?.(item.entry.data) : undefined;
        if (script) {
          accepted = true; // settled: hiding must not turn the script into a cancellation before it is offered
          quickPick.hide();
          copyAsScriptInstead(script, 'pickWithSearch').catch(reject);
        }
      }),
      quickPick.onDidChangeValue((text) => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          searched = text.trim();
          run((signal) => options.search(searched, signal), false);
        }, debounceMs);
      }),
      quickPick.onDidAccept(() => {
        const item = quickPick.selectedItems[0] ?? quickPick.activeItems[0];
        const entry = item?.entry;
        if (!entry) {
          return;
        }
        if (isLoadMore(entry.data)) {
          if (more) {
            const next = more;
            run((signal) => next(signal), true);
          }
          return;
        }
        accepted = true;
        resolve(entry);
        quickPick.hide();
      }),
      quickPick.onDidHide(() => {
        clearTimeout(timer);
        controller?.abort();
        disposables.forEach((d) => d.dispose());
        quickPick.dispose();
        if (!accepted) {
          reject(new UserCancelledError('pickWithSearch'));
        }
      }),
    ];
    quickPick.show();
    run((signal) => options.search('', signal), false);
  });
}

export interface PickOneOptions {
  placeHolder: string;
  loadingPlaceHolder?: string;
  noPicksMessage?: string;
  stepName: string;
}

/** A single pick through azext-utils' context.ui (cancel throws UserCancelledError); resolves with the item's data. */
export async function pickOne<T>(context: IActionContext, items: PickItem<T>[] | Promise<PickItem<T>[]>, options: PickOneOptions): Promise<T> {
  const picks = Promise.resolve(items).then((list) => list.map((item): IAzureQuickPickItem<T> => ({ ...item })));
  // No "recently used" reordering: the same list in the same order every time.
  return (await context.ui.showQuickPick(picks, { ...options, suppressPersistence: true })).data;
}
