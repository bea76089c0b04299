// The fake Azure in a process of its own for the bench (`npm run fake-azure`), so that its work and the extension's
// do not take turns on one thread: in-process, pages asked for at once would be served one after another.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { LoggedRequest, RunningFakeAzure } from '../../fake-azure/server';
import type { Seed } from '../../fake-azure/types';

export interface FakeProcessOptions {
  latencyMs: number;
  pageSize: number;
  lroPolls?: number;
  retryAfterSeconds?: number;
}

export interface BenchFake {
  info: RunningFakeAzure['info'];
  reset(): Promise<void>;
  requests(): Promise<LoggedRequest[]>;
  /** New TLS connections since the last reset, not counting the control request that asks. */
  connections(): Promise<number>;
  stop(): Promise<void>;
}

export async function startFakeProcess(seed: Seed, options: FakeProcessOptions): Promise<BenchFake> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-seed-'));
  const seedFile = join(dir, 'seed.json');
  writeFileSync(seedFile, JSON.stringify(seed));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(__dirname, '..', '..', 'fake-azure', 'cli.ts'), '--seed', seedFile, '--latency-ms', String(options.latencyMs),
      '--page-size', String(options.pageSize), '--lro-polls', String(options.lroPolls ?? 1), '--retry-after', String(options.retryAfterSeconds ?? 1)],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const firstLine = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`The fake Azure exited (${code}) before it started.`)));
  });
  const info = JSON.parse(firstLine) as RunningFakeAzure['info'];
  // A connection of its own for each control request (agent: false), so that one is easy to leave out of the count.
  const control = (method: string, path: string) =>
    new Promise<unknown>((resolve, reject) => {
      const req = request(`${info.url}/_control${path}`, { method, agent: false }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve(text ? JSON.parse(text) : undefined));
      });
      req.on('error', reject);
      req.end();
    });
  return {
    info,
    reset: async () => {
      await control('POST', '/reset');
    },
    requests: async () => (await control('GET', '/requests')) as LoggedRequest[],
    connections: async () => ((await control('GET', '/connections')) as { tlsConnections: number }).tlsConnections - 1,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
