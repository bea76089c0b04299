// Run by activation.ts with plain `node` (no TypeScript loader in the process): require + activate of the built
// shell with a stand-in `vscode`, `runs` times, then require + start of the wiring. Prints the times as JSON.
// Each run drops the require cache entries of dist/, so the file is compiled and run again.
'use strict';
const Module = require('node:module');
const fs = require('node:fs');
const path = require('node:path');

const [dist, runsArgument] = process.argv.slice(2);
const runs = Number(runsArgument);
const packageJson = JSON.parse(fs.readFileSync(path.join(dist, '..', 'package.json'), 'utf8'));

/** A value that answers every property, call and construction with another stand-in. */
function standIn(name) {
  return new Proxy(function () {}, {
    get(_target, key) {
      if (key === 'then') return undefined; // not a promise
      if (key === Symbol.toPrimitive) return () => name;
      if (key === 'prototype') return Object.prototype;
      return standIn(`${name}.${String(key)}`);
    },
    apply: () => standIn(`${name}()`),
    construct: () => standIn(`new ${name}`),
  });
}

/** Classes the extension and azext-utils extend or construct must be real classes. */
function standInClass() {
  return class {
    event = () => ({ dispose() {} });
    fire() {}
    dispose() {}
    static from() {
      return { dispose() {} };
    }
    static file(fsPath) {
      return { fsPath, path: fsPath, toString: () => fsPath };
    }
    static parse(text) {
      return { fsPath: text, path: text, toString: () => text };
    }
  };
}

// Every name `vscode` exports (from its typings), so that bundlers' interop helpers can copy them.
const typings = fs.readFileSync(require.resolve('@types/vscode/index.d.ts', { paths: [dist] }), 'utf8');
const names = new Set([...typings.matchAll(/^\t?export (?:namespace|class|enum|const|function|let) (\w+)/gm)].map((match) => match[1]));
const classes = new Set(['TreeItem', 'EventEmitter', 'Disposable', 'ThemeIcon', 'ThemeColor', 'MarkdownString', 'Uri', 'CancellationTokenSource', 'Position', 'Range', 'RelativePattern', 'TabInputText']);
const vscode = {};
for (const name of names) vscode[name] = classes.has(name) ? standInClass() : standIn(`vscode.${name}`);
vscode.l10n = { t: (message) => (typeof message === 'string' ? message : message.message), bundle: undefined, uri: undefined };

const originalLoad = Module._load;
Module._load = function (request, ...rest) {
  return request === 'vscode' ? vscode : originalLoad.call(this, request, ...rest);
};

function standInContext() {
  const memento = { get: (_key, fallback) => fallback, update: async () => {}, keys: () => [], setKeysForSync: () => {} };
  return {
    subscriptions: [],
    globalState: memento,
    workspaceState: memento,
    extension: { packageJSON: packageJson, id: 'vm-identity-team.vscode-azure-vm-identities' },
    extensionUri: standIn('extensionUri'),
    extensionPath: path.dirname(dist),
    environmentVariableCollection: standIn('environmentVariableCollection'),
    secrets: standIn('secrets'),
    logUri: standIn('logUri'),
    globalStorageUri: standIn('globalStorageUri'),
    storageUri: standIn('storageUri'),
  };
}

const inDist = () => Object.keys(require.cache).filter((file) => file.startsWith(dist + path.sep));
const forgetDist = () => inDist().forEach((file) => delete require.cache[file]);

async function main() {
  const activationMs = [];
  let loadedAtActivation = [];
  for (let run = 0; run < runs; run++) {
    forgetDist();
    const started = performance.now();
    await require(path.join(dist, 'extension.js')).activate(standInContext());
    activationMs.push(performance.now() - started);
    loadedAtActivation = inDist().map((file) => path.relative(dist, file));
  }
  // azext-utils says once per start that it sends no telemetry; the figures go to stdout alone.
  const warn = console.warn;
  console.warn = () => {};
  const firstUseMs = [];
  for (let run = 0; run < runs; run++) {
    forgetDist();
    const started = performance.now();
    require(path.join(dist, 'wiring.js')).startWiring(standInContext());
    firstUseMs.push(performance.now() - started);
  }
  console.warn = warn;
  process.stdout.write(JSON.stringify({ activationMs, loadedAtActivation, firstUseMs }));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
