// `npm run bench`: how close the Azure access gets to the best possible time, with latency injected into the fake.
// Not a pass/fail test: it prints, for each scenario, the measured time, the lower bound (the longest chain of
// requests that must follow one another × latency, plus any waits the server asks for with Retry-After) and their
// ratio. 1.0 would be perfect; the sequential tree load is printed next to the concurrent one for comparison.
//
//   BENCH_LATENCY_MS=100 BENCH_PAGE_SIZE=3 BENCH_ACTIVATION_RUNS=15 npm run bench
//
// The script packages the extension first; the size and activation figures come from bench/activation.ts. Everything
// printed is also written to test-results/bench.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { IdentityOperations } from '../../src/identity/operations';
import { measureSizeAndActivation, printSizeAndActivation } from './bench/activation';
import { loadTree, signInAs, startFake, vm } from './harness';

const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 100);
const pageSize = Number(process.env.BENCH_PAGE_SIZE ?? 3);
const retryAfterSeconds = 1;
const lroPolls = 1;

interface Row {
  scenario: string;
  measuredMs: number;
  boundMs: number;
  requests: number;
  note: string;
}

async function time<T>(work: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const result = await work();
  return [performance.now() - started, result];
}

async function main(): Promise<void> {
  const sizeAndActivation = measureSizeAndActivation(path.resolve('.'), Number(process.env.BENCH_ACTIVATION_RUNS ?? 15));
  printSizeAndActivation(sizeAndActivation);

  const fake = await startFake({ latencyMs, pageSize, lroPolls, retryAfterSeconds });
  const rows: Row[] = [];
  try {
    const counts = fake.getState().virtualMachines.reduce<Record<string, number>>((acc, v) => ({ ...acc, [v.subscriptionId]: (acc[v.subscriptionId] ?? 0) + 1 }), {});
    const pages = Object.values(counts).map((n) => Math.max(1, Math.ceil(n / pageSize)));

    // Cold: sign-in (metadata + token) comes first, then subscriptions, then every subscription's VM pages.
    {
      const { ops } = signInAs(fake);
      fake.reset();
      const [ms] = await time(() => loadTree(ops));
      const depth = 2 + 1 + Math.max(...pages);
      rows.push({ scenario: 'tree load, cold (sign-in + subscriptions + VMs, concurrent)', measuredMs: ms, boundMs: depth * latencyMs, requests: fake.requests().length, note: `depth ${depth}` });
    }

    // Warm: signed in already, as when the user refreshes the tree.
    const { ops, account } = signInAs(fake);
    await account.signIn();
    await ops.listSubscriptions();
    {
      fake.reset();
      const [ms] = await time(() => loadTree(ops));
      const depth = 1 + Math.max(...pages);
      rows.push({ scenario: 'tree load, warm (concurrent across subscriptions)', measuredMs: ms, boundMs: depth * latencyMs, requests: fake.requests().length, note: `depth ${depth}: 1 + longest paging chain` });
    }
    {
      fake.reset();
      const [ms] = await time(async () => {
        for (const subscription of await ops.listSubscriptions()) await ops.listVirtualMachines(subscription.subscriptionId);
      });
      const depth = 1 + Math.max(...pages);
      rows.push({ scenario: 'tree load, warm, one subscription after another (for comparison)', measuredMs: ms, boundMs: depth * latencyMs, requests: fake.requests().length, note: `${1 + pages.reduce((a, b) => a + b, 0)} requests in a row` });
    }

    // One identity write: GET VM, PATCH, polls until Succeeded, final GET. The SDK polls once at once after the PATCH,
    // then waits the Retry-After of each poll that answers InProgress: those waits are part of the bound.
    {
      const writer = new IdentityOperations(account.clients);
      fake.reset();
      const [ms] = await time(() => writer.changeIdentity(vm('vm-web-01'), { kind: 'enableSystemAssigned' }));
      const requests = fake.requests();
      const polls = requests.filter((r) => r.path.includes('/operations/')).length;
      const depth = 1 + 1 + (lroPolls + 1) + 1;
      const serverWaits = lroPolls * retryAfterSeconds * 1000;
      rows.push({
        scenario: 'identity write (enable system-assigned)',
        measuredMs: ms,
        boundMs: depth * latencyMs + serverWaits,
        requests: requests.length,
        note: `depth ${depth} + ${serverWaits} ms Retry-After after InProgress polls; ${polls} polls`,
      });
    }
  } finally {
    await fake.stop();
  }

  console.log(`Latency ${latencyMs} ms per request, page size ${pageSize}, LRO polls ${lroPolls}, Retry-After ${retryAfterSeconds} s\n`);
  const width = Math.max(...rows.map((r) => r.scenario.length));
  console.log(`${'scenario'.padEnd(width)}  measured  lower bound  ratio  requests  note`);
  for (const row of rows) {
    console.log(
      `${row.scenario.padEnd(width)}  ${`${Math.round(row.measuredMs)} ms`.padStart(8)}  ${`${row.boundMs} ms`.padStart(11)}  ${(row.measuredMs / row.boundMs).toFixed(2).padStart(5)}  ${String(row.requests).padStart(8)}  ${row.note}`,
    );
  }
  mkdirSync('test-results', { recursive: true });
  writeFileSync(path.join('test-results', 'bench.json'), `${JSON.stringify({ sizeAndActivation, latencyMs, pageSize, rows }, null, 2)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
