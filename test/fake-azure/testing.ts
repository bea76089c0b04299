// Starts the fake Azure for a test: latency and LRO polls from the environment (so `npm run test:fake-azure:slow`
// runs the same tests slower), silent logging, and a one-second Retry-After so SDK polling stays quick.
import { startFakeAzure, type FakeAzureOptions, type RunningFakeAzure } from './server';

function numberFromEnv(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, not '${text}'.`);
  return value;
}

export function startFakeAzureForTests(options: FakeAzureOptions = {}): Promise<RunningFakeAzure> {
  const latencyMs = numberFromEnv('FAKE_AZURE_LATENCY_MS');
  const lroPolls = numberFromEnv('FAKE_AZURE_LRO_POLLS');
  return startFakeAzure({
    log: () => {},
    retryAfterSeconds: 1,
    ...(latencyMs !== undefined ? { latencyMs } : {}),
    ...(lroPolls !== undefined ? { lroPolls } : {}),
    ...options,
  });
}
