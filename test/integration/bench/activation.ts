// `npm run bench`, size and activation (issue 12): the bundles' and the VSIX's bytes, and require + activate of the
// built shell in Node with a stand-in `vscode` (the way the Azure Virtual Machines extension was measured for the
// issue: about 115–125 ms on this kind of machine; 120 ms is the reference here). The runs happen in a plain `node`
// process (activationRun.cjs), without the TypeScript loader this script runs under; each run compiles and runs the
// shell again. The median of the runs is reported, the first run beside it. Not a test: the figures vary with the
// machine's load. Needs `npm run package` first (the bench script runs it).
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { printSection, type BenchSection } from './table';

/** The Azure Virtual Machines extension's require + activate on this kind of machine, from issue 12. */
export const VM_EXTENSION_ACTIVATION_MS = 120;
/** Issue 12's targets. */
export const TARGETS = { bundleBytes: 1_200_000, vsixBytes: 300_000, activationRatio: 0.35 };

export interface SizeAndActivation {
  shellBytes: number;
  wiringBytes: number;
  bundleBytes: number;
  vsixBytes: number;
  runs: number;
  /** require + activate of dist/extension.js. */
  activationMedianMs: number;
  activationFirstRunMs: number;
  /** activationMedianMs / VM_EXTENSION_ACTIVATION_MS. */
  activationRatio: number;
  /** The files of dist/ that activation loaded (the shell only, when the wiring waits for first use). */
  loadedAtActivation: string[];
  /** require + start of dist/wiring.js, which the first tree expand or command pays (the first run compiles it cold). */
  firstUseMedianMs: number;
  firstUseFirstRunMs: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Measures dist/ (built) and the VSIX (packaged) of the repository at `root`. */
export function measureSizeAndActivation(root: string, runs: number): SizeAndActivation {
  const dist = path.join(root, 'dist');
  const output = execFileSync(process.execPath, [path.join(__dirname, 'activationRun.cjs'), dist, String(runs)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const { activationMs, loadedAtActivation, firstUseMs } = JSON.parse(output) as { activationMs: number[]; loadedAtActivation: string[]; firstUseMs: number[] };
  const shellBytes = statSync(path.join(dist, 'extension.js')).size;
  const wiringBytes = statSync(path.join(dist, 'wiring.js')).size;
  const activationMedianMs = median(activationMs);
  return {
    shellBytes,
    wiringBytes,
    bundleBytes: shellBytes + wiringBytes,
    vsixBytes: statSync(path.join(dist, 'vm-identities.vsix')).size,
    runs,
    activationMedianMs,
    activationFirstRunMs: activationMs[0],
    activationRatio: activationMedianMs / VM_EXTENSION_ACTIVATION_MS,
    loadedAtActivation,
    firstUseMedianMs: median(firstUseMs),
    firstUseFirstRunMs: firstUseMs[0],
  };
}

/** The figures as a bench section: each row with what was measured and its target. */
export function sizeAndActivationSection(figures: SizeAndActivation): BenchSection {
  const bytes = (value: number) => `${value.toLocaleString('en-US')} B`;
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  const row = (scenario: string, measured: string, target = '') => ({ scenario, measured, target });
  return {
    title: 'Size and activation',
    notes: [`Activation is compared with the Azure Virtual Machines extension's require + activate, about ${VM_EXTENSION_ACTIVATION_MS} ms on this kind of machine.`],
    rows: [
      row('bundle, total', bytes(figures.bundleBytes), `≤ ${bytes(TARGETS.bundleBytes)}`),
      row('  dist/extension.js (activation shell)', bytes(figures.shellBytes)),
      row('  dist/wiring.js (on first use)', bytes(figures.wiringBytes)),
      row('VSIX', bytes(figures.vsixBytes), `≤ ${bytes(TARGETS.vsixBytes)}`),
      row('files of dist/ loaded at activation', figures.loadedAtActivation.join(', '), 'extension.js only'),
      row(
        `require + activate, median of ${figures.runs}`,
        `${ms(figures.activationMedianMs)} = ${figures.activationRatio.toFixed(3)}× the VM extension's ${VM_EXTENSION_ACTIVATION_MS} ms`,
        `≤ ${TARGETS.activationRatio}× (${ms(TARGETS.activationRatio * VM_EXTENSION_ACTIVATION_MS)})`,
      ),
      row('  first run', ms(figures.activationFirstRunMs)),
      row('first use: require + start the wiring, median', ms(figures.firstUseMedianMs)),
      row('  first run', ms(figures.firstUseFirstRunMs)),
    ],
  };
}

if (require.main === module) {
  printSection(sizeAndActivationSection(measureSizeAndActivation(path.resolve('.'), Number(process.argv[2] ?? 15))));
}
