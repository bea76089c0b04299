// What a published extension declares: workspace trust and virtual workspaces, where it runs, its marketplace face
// (icon, keywords, banner, README images that survive packaging) and the getting-started walkthrough.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

const root = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const nls: Record<string, string> = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.json'), 'utf8'));
const localized = (value: string) => (/^%.+%$/.test(value) ? nls[value.slice(1, -1)] : undefined);

/** Width and height from a PNG's IHDR chunk (bytes 16-23), after checking the signature. */
function pngSize(file: string): { width: number; height: number } {
  const bytes = fs.readFileSync(file);
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${file} is not a PNG`);
  assert.equal(bytes.subarray(12, 16).toString('ascii'), 'IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('capabilities and where the extension runs', () => {
  it('supports untrusted workspaces, its sign-in and cloud settings taken only from user or machine settings', () => {
    const trust = manifest.capabilities.untrustedWorkspaces;
    // 'limited' is the only value with which VS Code applies restrictedConfigurations; nothing else is limited.
    assert.equal(trust.supported, 'limited');
    assert.match(localized(trust.description) ?? '', /Everything works in Restricted Mode/);
    const machineScoped = Object.entries(manifest.contributes.configuration.properties as Record<string, { scope?: string }>)
      .filter(([, property]) => property.scope === 'machine' || property.scope === 'application')
      .map(([key]) => key)
      .sort();
    assert.ok(machineScoped.length >= 2);
    assert.deepEqual([...trust.restrictedConfigurations].sort(), machineScoped);
  });

  it('works in virtual workspaces (it reads no workspace files)', () => {
    assert.equal(manifest.capabilities.virtualWorkspaces, true);
  });

  it('runs where Azure extensions run: the UI host first, else the workspace host', () => {
    assert.deepEqual(manifest.extensionKind, ['ui', 'workspace']);
  });
});

describe('marketplace', () => {
  it('a 128x128 PNG icon', () => {
    assert.match(manifest.icon, /\.png$/);
    assert.deepEqual(pngSize(path.join(root, manifest.icon)), { width: 128, height: 128 });
  });

  it('keywords (the marketplace takes at most 30) and the Azure category', () => {
    assert.ok(Array.isArray(manifest.keywords) && manifest.keywords.length >= 5 && manifest.keywords.length <= 30);
    for (const word of ['azure', 'managed identity', 'virtual machine']) assert.ok(manifest.keywords.includes(word), word);
    assert.deepEqual(manifest.categories, ['Azure']);
  });

  it('a gallery banner: a colour and a theme', () => {
    assert.match(manifest.galleryBanner.color, /^#[0-9a-f]{6}$/i);
    assert.ok(['dark', 'light'].includes(manifest.galleryBanner.theme));
  });

  it('README images show on the marketplace: relative files that exist, made absolute https by packaging', () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)/g)].map((m) => m[1]);
    assert.ok(images.length > 0, 'the README shows at least one image');
    const packageScript: string = manifest.scripts.package;
    const baseImagesUrl = /--baseImagesUrl (\S+)/.exec(packageScript)?.[1];
    for (const image of images) {
      if (/^https:\/\//.test(image)) continue;
      assert.doesNotMatch(image, /^[a-z]+:/i, `${image}: only https images show on the marketplace`);
      assert.ok(fs.existsSync(path.join(root, image)), `${image} exists in the repository`);
      assert.match(baseImagesUrl ?? '', /^https:\/\//, `vsce rewrites ${image} only with an https --baseImagesUrl`);
    }
    assert.doesNotMatch(packageScript, /--no-rewrite-relative-links/, 'relative links must be rewritten when packaging');
    assert.match(/--baseContentUrl (\S+)/.exec(packageScript)?.[1] ?? '', /^https:\/\//, 'relative README links become absolute too');
    assert.ok(baseImagesUrl!.includes(new URL(manifest.repository.url).pathname.replace(/\.git$/, '').slice(1)), 'images come from the declared repository');
  });
});

describe('getting-started walkthrough', () => {
  const walkthrough = manifest.contributes.walkthroughs?.[0];
  const declared = new Set((manifest.contributes.commands as { command: string }[]).map((c) => c.command));

  it('has a localized title and the four steps in order', () => {
    assert.ok(walkthrough, 'contributes.walkthroughs is declared');
    assert.ok(localized(walkthrough.title) && localized(walkthrough.description));
    assert.deepEqual(walkthrough.steps.map((step: { id: string }) => step.id), ['signIn', 'enableIdentity', 'grantAccess', 'verifyIdentity']);
  });

  const expected: Record<string, string[]> = {
    signIn: ['azureVmIdentities.signIn'],
    enableIdentity: ['azureVmIdentities.enableSystemAssigned', 'azureVmIdentities.assignUserAssigned'],
    grantAccess: ['azureVmIdentities.grantAccess'],
    verifyIdentity: ['azureVmIdentities.verifyIdentity'],
  };
  for (const [id, commands] of Object.entries(expected)) {
    it(`step ${id} links to ${commands.join(' and ')} and completes when it runs`, () => {
      const step = walkthrough.steps.find((candidate: { id: string }) => candidate.id === id);
      const description = localized(step.description) ?? '';
      assert.ok(localized(step.title), 'localized title');
      const links = [...description.matchAll(/\]\(command:([\w.]+)\)/g)].map((m) => m[1]);
      assert.deepEqual(links, commands, `links in: ${description}`);
      assert.deepEqual(step.completionEvents, commands.map((command) => `onCommand:${command}`));
      for (const command of commands) assert.ok(declared.has(command), `${command} is declared`);
      assert.ok(fs.existsSync(path.join(root, step.media.markdown)), `${step.media.markdown} exists`);
    });
  }

  it('the first step also offers the sandbox', () => {
    const step = walkthrough.steps[0];
    assert.match(localized(step.title) ?? '', /sandbox/);
    assert.match(localized(step.description) ?? '', /npm run sandbox/);
  });
});
