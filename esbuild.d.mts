// Types of esbuild.mjs for test/unit/bundle.test.ts.
import type { BuildOptions } from 'esbuild';

/** The shell (dist/extension.js), then the wiring (dist/wiring.js). */
export declare const builds: BuildOptions[];
