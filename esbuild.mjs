// Bundles the extension into two minified CommonJS files; `vscode` is provided by the host. dist/extension.js is the
// activation shell (the view and the command ids); dist/wiring.js holds everything else and is required on first use.
import * as esbuild from 'esbuild';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.dirname(fileURLToPath(import.meta.url));

// tas-client (pulled in by @microsoft/vscode-azext-utils) ships a UMD file inside a "type": "module" package. Bundled
// as ESM, its `module.exports = ...` replaces the extension's own exports (activate disappears). Loading it from a
// namespace without package.json makes esbuild see it for what it is: CommonJS.
/** @type {import('esbuild').Plugin} */
const umdAsCommonJs = {
  name: 'umd-as-commonjs',
  setup(build) {
    build.onResolve({ filter: /^tas-client$/ }, () => ({ path: require.resolve('tas-client'), namespace: 'umd-as-commonjs' }));
    build.onLoad({ filter: /.*/, namespace: 'umd-as-commonjs' }, async (args) => ({
      contents: await readFile(args.path, 'utf8'),
      loader: 'js',
      resolveDir: path.dirname(args.path),
    }));
  },
};

/** Code that can never run is not shipped (the telemetry reporter, MSAL's certificate signing; see the stubs), and
 *  html-to-text, which azext-utils uses only to show an HTML error page as text, is replaced by a small converter. */
const standIns = {
  '@vscode/extension-telemetry': path.join(root, 'build', 'telemetryReporterStub.cjs'),
  jsonwebtoken: path.join(root, 'build', 'jsonwebtokenStub.cjs'),
  'html-to-text': path.join(root, 'build', 'htmlToText.cjs'),
};

/** arm-compute's context and its VM and scale-set operations (the last two are not in its package exports ; see
 *  src/azure/armClients.ts), as ES modules so that only what is called is bundled (tsconfig.json maps the same paths to CommonJS for tsc). */
const computeApi = path.join(root, 'node_modules/@azure/arm-compute/dist/esm/api');
const computeOperations = {
  '@azure/arm-compute/api': path.join(computeApi, 'index.js'),
  '@azure/arm-compute/api/virtualMachines': path.join(computeApi, 'virtualMachines/index.js'),
  '@azure/arm-compute/api/virtualMachineScaleSets': path.join(computeApi, 'virtualMachineScaleSets/index.js'),
};

/** azext-utils declares no `sideEffects`, so a bundler keeps every module its index imports whose top level does
 *  anything (experimentation, Copilot, date and API-provider helpers). Its modules are declared free of side effects:
 *  a module whose exports are used is still bundled whole, with its top-level code. */
/** @type {import('esbuild').Plugin} */
const azextUtilsWithoutSideEffects = {
  name: 'azext-utils-without-side-effects',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) =>
      args.importer.includes(`${path.sep}@microsoft${path.sep}vscode-azext-utils${path.sep}dist${path.sep}esm${path.sep}`)
        ? { path: require.resolve(args.path, { paths: [args.resolveDir] }), sideEffects: false }
        : undefined,
    );
  },
};

/** The shell requires the wiring at run time, from the file next to it, instead of bundling it. */
/** @type {import('esbuild').Plugin} */
const wiringAtRunTime = {
  name: 'wiring-at-run-time',
  setup(build) {
    build.onResolve({ filter: /^\.\/wiring$/ }, () => ({ path: './wiring.js', external: true }));
  },
};

const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['vscode'],
  minify: !watch,
  legalComments: 'none',
  sourcemap: watch ? 'inline' : false,
  logLevel: 'info',
};
/** @type {import('esbuild').BuildOptions[]} */
export const builds = [
  { ...common, entryPoints: [path.join(root, 'src/extension.ts')], outfile: path.join(root, 'dist/extension.js'), plugins: [wiringAtRunTime] },
  {
    ...common,
    entryPoints: [path.join(root, 'src/wiring.ts')],
    outfile: path.join(root, 'dist/wiring.js'),
    plugins: [umdAsCommonJs, azextUtilsWithoutSideEffects],
    alias: { ...standIns, ...computeOperations },
  },
];

// Run as a script (npm run build / watch); imported (test/unit/bundle.test.ts, the bench), it only exports the builds.
const runAsScript = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (runAsScript && watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else if (runAsScript) {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
