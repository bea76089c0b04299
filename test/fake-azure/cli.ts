// `npm run -s fake-azure -- [--port N] [--seed FILE] [--latency-ms N] [--lro-polls N] [--page-size N] [--faults FILE]
//  [--retry-after N] [--principal-replication-seconds N]`: prints one JSON line (FakeAzureInfo plus extras) on stdout, logs requests on stderr,
// and serves until SIGINT or SIGTERM (to it or to `npm run`) or until its parent process ends.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { stopWhenParentGoes } from '../support/lifetime';
import { startFakeAzure } from './server';
import { demoSeedFile } from './state';
import type { FaultRule } from './types';

const usage = 'Usage: npm run fake-azure -- [--port N] [--seed FILE] [--latency-ms N] [--lro-polls N] [--page-size N] [--faults FILE] [--retry-after SECONDS] [--principal-replication-seconds N]';

function count(name: string, text: string | undefined, fallback: number | undefined): number | undefined {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} needs a whole number of 0 or more, not '${text}'.\n${usage}`);
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      seed: { type: 'string' },
      'latency-ms': { type: 'string' },
      'lro-polls': { type: 'string' },
      'page-size': { type: 'string' },
      faults: { type: 'string' },
      'retry-after': { type: 'string' },
      'principal-replication-seconds': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const seedFile = resolve(values.seed ?? demoSeedFile);
  const faults = values.faults ? (JSON.parse(readFileSync(resolve(values.faults), 'utf8')) as FaultRule | FaultRule[]) : [];
  const pageSize = count('page-size', values['page-size'], 50)!;
  if (pageSize < 1) throw new Error(`--page-size must be at least 1.\n${usage}`);
  const latencyMs = count('latency-ms', values['latency-ms'], 0)!;
  const lroPolls = count('lro-polls', values['lro-polls'], 1)!;
  const principalReplicationSeconds = count('principal-replication-seconds', values['principal-replication-seconds'], 0)!;
  const fake = await startFakeAzure({
    port: count('port', values.port, 0)!,
    seed: seedFile,
    latencyMs,
    lroPolls,
    pageSize,
    retryAfterSeconds: count('retry-after', values['retry-after'], 1)!,
    principalReplicationSeconds,
    faults: Array.isArray(faults) ? faults : [faults],
    log: (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
  });
  process.stdout.write(`${JSON.stringify({ ...fake.info, seed: seedFile, latencyMs, lroPolls, pageSize, principalReplicationSeconds, controlUrl: `${fake.info.url}/_control` })}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`fake-azure: ${signal}, stopping\n`);
    void fake.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // With npm gone its pipes may be too; a failed log line must not crash the stop.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
  stopWhenParentGoes(stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`fake-azure: ${(e as Error).message}\n`);
  process.exit(1);
});
