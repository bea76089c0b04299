// The floors of src and what each may import: identity ← azure (← store, ui, tree ← commands ← extension). Every
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

/**
 * What each floor may import. Floors without a row are not checked yet; add a row when a floor's direction is settled
 * (store: identity only, no vscode; ui and tree: identity, azure, store, without a cycle; commands; extension).
 */
const RULES: Record<Floor, FloorRule> = {
  // The pure domain: planners, name rules, error wording, operations and the ports. No SDK, no vscode.
  identity: { floors: [], mayImportPackage: isNodeBuiltin },
  // Implements the ports with the SDKs and REST; VS Code's account is the one file that may import vscode.
  azure: {
    floors: ['identity'],
    mayImportPackage: (specifier, file) => specifier !== 'vscode' || file === path.join('azure', 'vscodeAccount.ts'),
  },
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
  it('every import under src follows the floors: identity ← azure', () => {
    const edges = importsUnderSrc();
    assert.ok(edges.some((edge) => floorOf(edge.file) === 'identity'), 'the files of src/identity were read');
    assert.ok(edges.some((edge) => floorOf(edge.file) === 'azure' && edge.specifier.includes('/identity/')), 'the imports of src/azure were read');
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
});
