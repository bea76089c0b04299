// `npm run bench`: issue 12's figures, printed as tables and written to test-results/bench.json. Not a test: nothing
// here passes or fails. Each part lives in its own module under bench/.
//
//   FAKE_AZURE_LATENCY_MS=50 BENCH_PAGE_SIZE=50 BENCH_ACTIVATION_RUNS=15 npm run bench
//
// BENCH_PARTS=treeLoad,writes runs only those parts (size, treeLoad, threshold, writes, heap).
//
// It packages the extension first (bench/activation.ts measures the bundles, the VSIX and activation).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { measureSizeAndActivation, sizeAndActivationSection } from './bench/activation';
import { heapBench } from './bench/heap';
import { printSection, type BenchSection } from './bench/table';
import { resourceGraphThresholdBench, treeLoadBench, type BenchSettings } from './bench/treeLoad';
import { writesBench } from './bench/writes';

const settings: BenchSettings = {
  latencyMs: Number(process.env.FAKE_AZURE_LATENCY_MS ?? 50),
  // The fake's default page size for every ARM list.
  pageSize: Number(process.env.BENCH_PAGE_SIZE ?? 50),
};

async function main(): Promise<void> {
  const sections: BenchSection[] = [];
  const sizeAndActivation = async () => sizeAndActivationSection(measureSizeAndActivation(process.cwd(), Number(process.env.BENCH_ACTIVATION_RUNS ?? 15)));
  const parts: [string, () => Promise<BenchSection>][] = [
    ['size', sizeAndActivation],
    ['treeLoad', () => treeLoadBench(settings)],
    ['threshold', () => resourceGraphThresholdBench(settings)],
    ['writes', () => writesBench(settings)],
    ['heap', () => heapBench()],
  ];
  const chosen = process.env.BENCH_PARTS?.split(',').map((name) => name.trim());
  for (const [name, part] of parts) {
    if (chosen && !chosen.includes(name)) continue;
    const section = await part();
    printSection(section);
    sections.push(section);
  }
  const file = join(process.cwd(), 'test-results', 'bench.json');
  mkdirSync(join(process.cwd(), 'test-results'), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ settings, sections }, undefined, 2)}\n`);
  console.log(`\nWritten to ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
