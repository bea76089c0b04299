// The floors of src and what each may import: identity ← azure (← store, ui, tree ← commands ← wiring ← extension). Every
// import of every file under src is read (static, type-only, re-exports, dynamic import() and require()) with the
// TypeScript compiler's own pre-processor, and checked against the table below.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';

const srcRoot = path.resolve(__dirname, '..', '..', 'src');

/** A floor is a folder directly under src (src/extension.ts is the floor 'extension'). */
type Floor = string;

interface FloorRule {
  /** Floors whose files this floor may import (its own floor always). */
  floors: Floor[];
  /** Whether a package (anything not relative) may be imported by the file at `file` (path relative to src). */
  mayImportPackage(specifier: string, file: string): boolean;
}

const isNodeBuiltin = (specifier: string) => specifier.startsWith('node:') || builtinModules.includes(specifier);

/** What each floor may import; every file under src belongs to a floor that has a row. */
const RULES: Record<Floor, FloorRule> = {
  // The pure domain: planners, name rules, error wording, operations and the ports. No SDK, no vscode.
  identity: { floors: [], mayImportPackage: isNodeBuiltin },
  // Implements the ports with the SDKs and REST; VS Code's account is the one file that may import vscode.
  azure: {
    floors: ['identity'],
    mayImportPackage: (specifier, file) => specifier !== 'vscode' || file === path.join('azure', 'vscodeAccount.ts'),
  },
  // What the extension knows about Azure, apart from any view: the domain's vocabulary only, unit-testable.
  store: { floors: ['identity'], mayImportPackage: isNodeBuiltin },
  // Talking to a person: quick picks, the write pipeline, notifications, JSON tabs, the session. Never the tree.
  ui: { floors: ['identity', 'azure', 'store'], mayImportPackage: () => true },
  // The view renders the store, with ui's wording.
  tree: { floors: ['identity', 'azure', 'store', 'ui'], mayImportPackage: () => true },
  commands: { floors: ['identity', 'azure', 'store', 'ui', 'tree'], mayImportPackage: () => true },
  // Everything behind the activation shell, built on first use (bundled apart as dist/wiring.js).
  wiring: { floors: ['identity', 'azure', 'store', 'ui', 'tree', 'commands'], mayImportPackage: () => true },
  // The activation shell: the view's id from the tree floor, and the wiring, which it requires on first use.
  // test/unit/bundle.test.ts checks that what it bundles is that and nothing more.
  extension: { floors: ['tree', 'wiring'], mayImportPackage: (specifier) => specifier === 'vscode' },
};

interface ImportEdge {
  /** The importing file, relative to src. */
  file: string;
  specifier: string;
}

/** Every import, re-export, import() and require() of a source text. */
function importsOf(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((reference) => reference.fileName);
}

/** The floor of a file relative to src. */
function floorOf(file: string): Floor {
  const [first] = file.split(path.sep);
  return first === file ? path.basename(file, path.extname(file)) : first;
}

/** The rule breaks among these imports, one line each. */
function violations(edges: readonly ImportEdge[]): string[] {
  const problems: string[] = [];
  for (const { file, specifier } of edges) {
    const floor = floorOf(file);
    const rule = RULES[floor];
    if (!rule) {
      problems.push(`src/${file} is on no floor the table knows (${floor})`);
      continue;
    }
    if (!specifier.startsWith('.')) {
      if (!rule.mayImportPackage(specifier, file)) {
        problems.push(`src/${file} imports the package '${specifier}'`);
      }
      continue;
    }
    const target = path.relative(srcRoot, path.resolve(srcRoot, path.dirname(file), specifier));
    if (target.startsWith('..')) {
      problems.push(`src/${file} imports '${specifier}' from outside src`);
      continue;
    }
    const targetFloor = floorOf(target);
    if (targetFloor !== floor && !rule.floors.includes(targetFloor)) {
      problems.push(`src/${file} (${floor}) imports src/${target} (${targetFloor})`);
    }
  }
  return problems;
}

function sourceFiles(directory: string): string[] {
  return fs.readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    return entry.isDirectory() ? sourceFiles(full) : /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

function importsUnderSrc(): ImportEdge[] {
  return sourceFiles(srcRoot).flatMap((full) =>
    importsOf(fs.readFileSync(full, 'utf8')).map((specifier) => ({ file: path.relative(srcRoot, full), specifier })),
  );
}

describe('layering', () => {
  it('every import under src follows the floors: identity ← azure, store ← ui ← tree ← commands ← wiring ← extension', () => {
    const edges = importsUnderSrc();
    assert.ok(edges.some((edge) => floorOf(edge.file) === 'identity'), 'the files of src/identity were read');
    assert.ok(edges.some((edge) => floorOf(edge.file) === 'azure' && edge.specifier.includes('/identity/')), 'the imports of src/azure were read');
    for (const floor of ['store', 'ui', 'tree', 'commands', 'wiring', 'extension']) {
      assert.ok(edges.some((edge) => floorOf(edge.file) === floor), `the files of ${floor} were read`);
    }
    assert.deepEqual(violations(edges), []);
  });

  it('reads every kind of import: type-only, re-export, side effect, import() and require()', () => {
    const source = [
      "import type { A } from './a';",
      "import { b } from '../azure/b';",
      "export { c } from './c';",
      "import './d';",
      "const e = require('vscode');",
      "const f = import('../ui/f');",
      "// import { g } from './not-an-import-in-a-comment';",
    ].join('\n');
    assert.deepEqual(importsOf(source), ['./a', '../azure/b', './c', './d', 'vscode', '../ui/f']);
  });

  it('reports a domain file that imports a higher floor or vscode, and an Azure file that imports ui', () => {
    const problems = violations([
      { file: path.join('identity', 'operations.ts'), specifier: '../azure/clientProvider' },
      { file: path.join('identity', 'operations.ts'), specifier: 'vscode' },
      { file: path.join('identity', 'operations.ts'), specifier: './ports' },
      { file: path.join('identity', 'operations.ts'), specifier: 'node:events' },
      { file: path.join('azure', 'account.ts'), specifier: '../ui/session' },
      { file: path.join('azure', 'account.ts'), specifier: 'vscode' },
      { file: path.join('azure', 'vscodeAccount.ts'), specifier: 'vscode' },
      { file: path.join('azure', 'account.ts'), specifier: '../identity/model' },
      { file: path.join('azure', 'account.ts'), specifier: '@azure/core-auth' },
    ]);
    assert.deepEqual(problems, [
      `src/${path.join('identity', 'operations.ts')} (identity) imports src/${path.join('azure', 'clientProvider')} (azure)`,
      `src/${path.join('identity', 'operations.ts')} imports the package 'vscode'`,
      `src/${path.join('azure', 'account.ts')} (azure) imports src/${path.join('ui', 'session')} (ui)`,
      `src/${path.join('azure', 'account.ts')} imports the package 'vscode'`,
    ]);
  });

  it('reports a store that imports vscode or the view, a ui file that imports the tree, and a tree file that imports a command', () => {
    const problems = violations([
      { file: path.join('store', 'resourceStore.ts'), specifier: 'vscode' },
      { file: path.join('store', 'resourceStore.ts'), specifier: '../tree/nodes' },
      { file: path.join('store', 'resourceStore.ts'), specifier: '../azure/clientProvider' },
      { file: path.join('store', 'resourceStore.ts'), specifier: '../identity/resourceIds' },
      { file: path.join('ui', 'writePipeline.ts'), specifier: '../tree/nodes' },
      { file: path.join('ui', 'writePipeline.ts'), specifier: '../store/resourceStore' },
      { file: path.join('tree', 'VmTreeDataProvider.ts'), specifier: '../commands/refresh' },
      { file: path.join('tree', 'VmTreeDataProvider.ts'), specifier: '../ui/describeError' },
      { file: path.join('commands', 'refresh.ts'), specifier: '../extension' },
      { file: path.join('commands', 'refresh.ts'), specifier: '../tree/nodes' },
      { file: path.join('newFloor', 'x.ts'), specifier: './y' },
    ]);
    assert.deepEqual(problems, [
      `src/${path.join('store', 'resourceStore.ts')} imports the package 'vscode'`,
      `src/${path.join('store', 'resourceStore.ts')} (store) imports src/${path.join('tree', 'nodes')} (tree)`,
      `src/${path.join('store', 'resourceStore.ts')} (store) imports src/${path.join('azure', 'clientProvider')} (azure)`,
      `src/${path.join('ui', 'writePipeline.ts')} (ui) imports src/${path.join('tree', 'nodes')} (tree)`,
      `src/${path.join('tree', 'VmTreeDataProvider.ts')} (tree) imports src/${path.join('commands', 'refresh')} (commands)`,
      `src/${path.join('commands', 'refresh.ts')} (commands) imports src/extension (extension)`,
      `src/${path.join('newFloor', 'x.ts')} is on no floor the table knows (newFloor)`,
    ]);
  });

  it('reports an activation shell that imports more than the view id and the wiring, and a command that imports the wiring', () => {
    const problems = violations([
      { file: 'extension.ts', specifier: './wiring' },
      { file: 'extension.ts', specifier: './tree/viewIds' },
      { file: 'extension.ts', specifier: 'vscode' },
      { file: 'extension.ts', specifier: './ui/azext' },
      { file: 'extension.ts', specifier: '@azure/identity' },
      { file: 'wiring.ts', specifier: './commands/registerCommands' },
      { file: path.join('commands', 'refresh.ts'), specifier: '../wiring' },
    ]);
    assert.deepEqual(problems, [
      `src/extension.ts (extension) imports src/${path.join('ui', 'azext')} (ui)`,
      `src/extension.ts imports the package '@azure/identity'`,
      `src/${path.join('commands', 'refresh.ts')} (commands) imports src/wiring (wiring)`,
    ]);
  });
});
