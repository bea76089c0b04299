// Bundles the extension into one minified CommonJS file; `vscode` is provided by the host.
import * as esbuild from 'esbuild';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const require = createRequire(import.meta.url);

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

const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const options = {
  entryPoints: ['src/extension.ts'],
  bundle: true,
  outfile: 'dist/extension.js',
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['vscode'],
  minify: !watch,
  sourcemap: watch ? 'inline' : false,
  logLevel: 'info',
  plugins: [umdAsCommonJs],
};

if (watch) {
  const context = await esbuild.context(options);
  await context.watch();
} else {
  await esbuild.build(options);
}
