// Writes l10n/bundle.l10n.json from the source strings, with @vscode/l10n-dev's extractor.
// l10n-dev finds only `l10n.t(...)` / `vscode.l10n.t(...)` calls, but most strings here go through a Localize
// function: `const t = vscode.l10n.t` in UI modules, and `t` / `this.t` parameters in the vscode-free modules (tree
// texts, quick-pick items, the domain's messages, which the extension localizes by passing vscode.l10n.t). So each
// file is handed to the extractor with those calls spelled `l10n.t(` (the files themselves are not changed).
import { getL10nJson } from '@vscode/l10n-dev';
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const bundleFile = join(root, 'l10n', 'bundle.l10n.json');

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The bundle's text for the current sources (keys sorted, so a diff shows what changed). */
export async function exportBundle() {
  const files = sourceFiles(join(root, 'src')).map((path) => ({
    extension: '.ts',
    contents:
      "import { l10n } from 'vscode';\n" +
      readFileSync(path, 'utf8')
        .replace(/\bthis\.t\(/g, 'l10n.t(')
        .replace(/(?<![\w.$])t\(/g, 'l10n.t('),
  }));
  const bundle = await getL10nJson(files);
  const sorted = Object.fromEntries(Object.entries(bundle).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return JSON.stringify(sorted, null, 2) + '\n';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = await exportBundle();
  mkdirSync(join(root, 'l10n'), { recursive: true });
  writeFileSync(bundleFile, text);
  console.log(`${relative(root, bundleFile)}: ${Object.keys(JSON.parse(text)).length} strings`);
}
