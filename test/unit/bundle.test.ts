// What the bundles hold (issue 12): activation compiles only the shell, the wiring holds the design's packages, and
// code that can never run is not shipped. Builds in memory with the same options as `npm run build`; checks contents,
// never times (the times are `npm run bench`'s).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as esbuild from 'esbuild';

const root = path.resolve(__dirname, '..', '..');

interface BuiltBundle {
  /** The files with code in the bundle (node_modules paths as esbuild reports them); a file whose exports are never
   *  used contributes nothing and is not listed. */
  inputs: string[];
  /** Which bundled file imports which. */
  importsOf: Map<string, string[]>;
  text: string;
}

async function build(): Promise<{ shell: BuiltBundle; wiring: BuiltBundle }> {
  const { builds } = await import('../../esbuild.mjs');
  const [shell, wiring] = await Promise.all(
    builds.map(async (options): Promise<BuiltBundle> => {
      const result = await esbuild.build({ ...options, write: false, metafile: true, logLevel: 'silent' });
      const [output] = Object.values(result.metafile.outputs);
      return {
        inputs: Object.entries(output.inputs).filter(([, input]) => input.bytesInOutput > 0).map(([file]) => file),
        importsOf: new Map(Object.entries(result.metafile.inputs).map(([file, input]) => [file, input.imports.map((entry) => entry.path)])),
        text: result.outputFiles[0].text,
      };
    }),
  );
  return { shell, wiring };
}

const packageOf = (file: string): string | undefined => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1];

describe('bundles', () => {
  const bundles = build();

  it('the activation shell holds no package and nothing of the wiring: only itself and the view id', async () => {
    const { shell } = await bundles;
    assert.deepEqual(shell.inputs.map((file) => path.relative(root, path.resolve(file))).sort(), [path.join('src', 'extension.ts'), path.join('src', 'tree', 'viewIds.ts')]);
    assert.match(shell.text, /require\("\.\/wiring\.js"\)/, 'the shell requires the wiring at run time');
  });

  it('the wiring holds the design packages, arm-compute as the operations it calls, not its whole client', async () => {
    const { wiring } = await bundles;
    const packages = new Set(wiring.inputs.map(packageOf));
    for (const used of ['@microsoft/vscode-azext-utils', '@azure/arm-compute', '@azure/identity', '@azure/msal-node']) {
      assert.ok(packages.has(used), `${used} is bundled`);
    }
    const compute = wiring.inputs.filter((file) => packageOf(file) === '@azure/arm-compute');
    assert.deepEqual(compute.filter((file) => /dist\/commonjs\/|computeManagementClient\.js|classic\//.test(file)), [], "arm-compute's ES modules only, without its client class");
    const operationGroups = new Set(compute.map((file) => /dist\/esm\/api\/(\w+)\//.exec(file)?.[1]).filter(Boolean));
    assert.deepEqual([...operationGroups].sort(), ['virtualMachineScaleSets', 'virtualMachines']);
    const azext = wiring.inputs.filter((file) => packageOf(file) === '@microsoft/vscode-azext-utils');
    assert.deepEqual(azext.filter((file) => !file.includes('/dist/esm/')), [], "azext-utils' ES modules, so that what is never called is left out");
    assert.ok(!azext.some((file) => /createExperimentationService|installCopilotCli|createApiProvider/.test(file)), "azext-utils' experimentation, Copilot install and API-provider code is left out");
  });

  it('ships no telemetry stack, no HTML parser and no JWT signing', async () => {
    const { wiring } = await bundles;
    const packages = new Set(wiring.inputs.map(packageOf));
    for (const absent of ['@vscode/extension-telemetry', '@microsoft/1ds-core-js', '@microsoft/1ds-post-js', '@microsoft/applicationinsights-common', '@microsoft/applicationinsights-web-basic', 'html-to-text', 'htmlparser2', 'entities', 'jsonwebtoken', 'jws']) {
      assert.ok(!packages.has(absent), `${absent} is not bundled`);
    }
    for (const standIn of ['telemetryReporterStub.cjs', 'htmlToText.cjs', 'jsonwebtokenStub.cjs']) {
      assert.ok(wiring.inputs.some((file) => file.endsWith(`build/${standIn}`)), `build/${standIn} stands in`);
    }
  });

  it('does not bundle @azure/arm-resources: resource groups are one REST GET through the JSON pipeline', async () => {
    const { wiring } = await bundles;
    assert.ok(!wiring.inputs.some((file) => packageOf(file) === '@azure/arm-resources'), '@azure/arm-resources is not bundled');
    assert.doesNotMatch(wiring.text, /ResourceManagementClient|@azure\/arm-resources\//, "arm-resources' client is not in the wiring");
    assert.ok(wiring.inputs.some((file) => packageOf(file) === '@azure/arm-resources-subscriptions'), 'the subscriptions client, a package of its own, still is');
  });

  it("jsonwebtoken is only MSAL's certificate signing, which the extension never configures", async () => {
    const { wiring } = await bundles;
    const importers = [...wiring.importsOf].filter(([, imports]) => imports.some((file) => file.endsWith('build/jsonwebtokenStub.cjs'))).map(([file]) => file);
    assert.deepEqual(importers.map((file) => path.basename(file)), ['ClientAssertion.mjs'], 'only the client assertion signs a JWT');
    const sources = fs.readdirSync(path.join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
    for (const file of sources) {
      assert.doesNotMatch(fs.readFileSync(path.join(root, 'src', file), 'utf8'), /ClientCertificateCredential|clientCertificate|ClientAssertionCredential/, `src/${file}`);
    }
  });

  it('DEBUGTELEMETRY is set before azext-utils reads it and restored after, so its DebugReporter is used', async () => {
    const { wiring } = await bundles;
    const set = wiring.text.indexOf('process.env.DEBUGTELEMETRY="1"');
    const read = wiring.text.indexOf('.env.DEBUGTELEMETRY||""');
    const restored = wiring.text.indexOf('delete process.env.DEBUGTELEMETRY');
    assert.ok(set >= 0 && read >= 0 && restored >= 0, 'all three are in the bundle');
    assert.ok(set < read && read < restored, `set at ${set}, read at ${read}, restored at ${restored}`);
  });
});

describe('the html-to-text stand-in', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { convert } = require('../../build/htmlToText.cjs') as { convert(html: string): string };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const real = require('html-to-text') as { convert(html: string, options: object): string };
  // The options azext-utils' parseError passes.
  const heading = { leadingLineBreaks: 1, trailingLineBreaks: 1, uppercase: false };
  const azextOptions = { selectors: ['h1', 'h2', 'h3'].map((selector) => ({ selector, options: heading })), wordwrap: false };

  it('shows an HTML error page as the text html-to-text would', () => {
    const page =
      '<!DOCTYPE html><html><head><title>502 Bad Gateway</title><style>h1 { color: red }</style></head>' +
      '<body><h1>502 Bad Gateway</h1><p>The gateway &amp; its proxy said: &lt;no upstream&gt; &#8212; retry.<br>Request id: 1f2e</p>' +
      '<div>nginx</div><!-- a comment --></body></html>';
    assert.equal(convert(page), real.convert(page, azextOptions));
    assert.equal(convert(page), '502 Bad Gateway\n\nThe gateway & its proxy said: <no upstream> — retry.\nRequest id: 1f2e\n\nnginx');
  });

  it('leaves an unknown or impossible entity as it is', () => {
    assert.equal(convert('<html><p>a &bogus; b &#x110000; c</p></html>'), 'a &bogus; b &#x110000; c');
  });
});
