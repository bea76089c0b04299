// The l10n bundle shipped in the VSIX holds every string the sources localize (`npm run l10n:export` rewrites it).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

const root = path.resolve(__dirname, '..', '..');

describe('l10n bundle', () => {
  it('is current with the sources (run npm run l10n:export after changing a string)', async () => {
    const { exportBundle, bundleFile } = await import('../../scripts/l10n-export.mjs');
    const expected = JSON.parse(await exportBundle()) as Record<string, string>;
    const shipped = JSON.parse(fs.readFileSync(bundleFile, 'utf8')) as Record<string, string>;
    assert.deepEqual(Object.keys(shipped).filter((key) => !(key in expected)), [], 'strings no source uses any more');
    assert.deepEqual(Object.keys(expected).filter((key) => !(key in shipped)), [], 'strings missing from l10n/bundle.l10n.json');
  });

  it('catches strings of every kind of call: vscode.l10n.t, the `t` alias, and the domain\'s Localize', () => {
    const shipped = JSON.parse(fs.readFileSync(path.join(root, 'l10n', 'bundle.l10n.json'), 'utf8')) as Record<string, string>;
    assert.ok('Azure VM Managed Identities' in shipped); // vscode.l10n.t in extension.ts
    assert.ok('Remove all user-assigned identities' in shipped); // t passed to quickPickItems
    assert.ok("Remove {0} from '{1}'? The identities themselves are not deleted; the VM loses their access." in shipped);
    assert.ok(Object.keys(shipped).some((key) => key.startsWith('Microsoft Graph refused')), 'the domain\'s messages');
  });

  it('ships in the VSIX and is declared in package.json', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    assert.equal(manifest.l10n, './l10n');
    assert.match(fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8'), /^!l10n\/\*\*$/m);
  });
});
