// `npm run sandbox`: try the extension with no Azure account. Builds the VSIX, starts the fake Azure with the demo
// seed, installs code-server into .cache/ on first use, starts it with the extension installed and signed in to the
// fake as a seed service principal, prints the URL, and serves until Ctrl+C, which stops everything it started.
//   npm run sandbox -- [--port N] [--as sp-identity-admin|sp-reader|sp-vm-contributor] [--latency-ms N] [--lro-polls N]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { startFakeAzure, type RunningFakeAzure } from '../fake-azure/server';
import { stopWhenParentGoes } from '../support/lifetime';
import { ensureCodeServer, repoRoot } from './codeServer';
import { CodeServer, createProfile, demoSeedPath, extensionHostEnv, freePort, packageVsix, seedPrincipal, userSettings } from './vscodeHost';

const usage = 'Usage: npm run sandbox -- [--port N] [--as sp-identity-admin|sp-reader|sp-vm-contributor] [--latency-ms N] [--lro-polls N]';

function wholeNumber(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} needs a whole number, not '${text}'.\n${usage}`);
  return value;
}

async function portOrFree(wanted: number): Promise<number> {
  if (wanted === 0) return freePort();
  const net = await import('node:net');
  const free = await new Promise<boolean>((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(wanted, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
  if (free) return wanted;
  const other = await freePort();
  console.log(`Port ${wanted} is taken; using ${other}.`);
  return other;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      as: { type: 'string' },
      'latency-ms': { type: 'string' },
      'lro-polls': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const principalName = values.as ?? 'sp-identity-admin';
  const started = Date.now();
  // Each sandbox keeps its own logs, so two sandboxes from one clone never write the same files.
  const workDir = path.join(repoRoot, '.cache', 'sandbox', `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
  fs.mkdirSync(workDir, { recursive: true });
  const shown = (file: string) => path.relative(process.cwd(), file);

  console.log('1/4 Building the extension (npm run package) ...');
  const vsix = packageVsix();

  console.log('2/4 Starting the fake Azure with the demo seed (test/fake-azure/seeds/demo.json) ...');
  const fakeLog = fs.createWriteStream(path.join(workDir, 'fake-azure.log'));
  const fake: RunningFakeAzure = await startFakeAzure({
    seed: demoSeedPath,
    latencyMs: wholeNumber('latency-ms', values['latency-ms'], 0),
    lroPolls: wholeNumber('lro-polls', values['lro-polls'], 1),
    log: (line) => fakeLog.write(`${line}\n`),
  });
  let server: CodeServer | undefined;
  let profileRoot: string | undefined;
  let stopping = false;
  const stop = async (code: number, reason?: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log(`\nStopping code-server and the fake Azure${reason ? ` (${reason})` : ''} ...`);
    await server?.stop().catch(() => {});
    await fake.stop().catch(() => {});
    fakeLog.end();
    if (profileRoot) fs.rmSync(profileRoot, { recursive: true, force: true });
    console.log('Stopped.');
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  // Stopped through npm (its PID, a script's job control): npm may not pass the signal on, so a lost parent stops us too.
  stopWhenParentGoes((reason) => void stop(0, reason));
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});

  try {
    const credentials = seedPrincipal(demoSeedPath, principalName);
    console.log(`    Fake Azure at ${fake.info.url}`);

    console.log('3/4 Getting code-server (installed into .cache/code-server on first use) ...');
    const install = await ensureCodeServer((line) => console.log(`    ${line}`));

    console.log(`4/4 Starting code-server ${install.version} with the extension, signed in as ${principalName} ...`);
    const profile = createProfile('sandbox', userSettings(fake.info));
    profileRoot = profile.root;
    CodeServer.installExtension(install, profile, vsix);
    const port = await portOrFree(wholeNumber('port', values.port, 8080));
    server = await CodeServer.start(install, profile, extensionHostEnv(fake.info, credentials), path.join(workDir, 'code-server.log'), port);

    const info = fake.info;
    const caFile = shown(info.caFile);
    const lines = [
      '',
      `Ready in ${((Date.now() - started) / 1000).toFixed(0)} s. Open this URL in a browser:`,
      '',
      `    http://127.0.0.1:${port}/`,
      '',
      'Then click "Managed Identities" in the activity bar: two subscriptions, thirteen VMs, every command on their',
      'context menus and in the command palette (F1, "Managed Identities: ..."). Nothing leaves this machine.',
      principalName === 'sp-identity-admin'
        ? 'Signed in as sp-identity-admin (Owner); run with -- --as sp-reader to see authorization errors.'
        : `Signed in as ${principalName}.`,
      '',
      'To reach the fake Azure directly (test/fake-azure/README.md shows curl and SDK examples):',
      `    Resource Manager   ${info.resourceManagerEndpoint}`,
      `    Microsoft Graph    ${info.graphEndpoint}/v1.0`,
      `    Token service      ${info.authorityHost}/${info.tenantId}/oauth2/v2.0/token`,
      `    Tenant             ${info.tenantId}`,
      `    Client ID          ${credentials.clientId} (${principalName}; its secret is in test/fake-azure/seeds/demo.json)`,
      `    CA file            ${caFile} (curl --cacert, or NODE_EXTRA_CA_CERTS for Node)`,
      `    Control routes     ${info.url}/_control: GET state, POST reset (back to the seed), POST/DELETE faults, GET requests`,
      `    Reset the seed     curl --cacert ${caFile} -X POST ${info.url}/_control/reset`,
      '',
      `Logs: ${shown(workDir)}/ (fake-azure.log: one line per request, no tokens; code-server.log).`,
      'code-server listens on 127.0.0.1 only, without a password. Press Ctrl+C to stop everything.',
    ];
    console.log(lines.join('\n'));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    await stop(1);
  }
}

void main();
