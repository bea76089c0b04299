import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type * as vscode from 'vscode';
import { defaultLocalize } from '../../src/identity/localize';
import type { IdentityOperationsOptions } from '../../src/identity/operations';

// Type-level: the extension passes vscode.l10n.t itself (erased at run time; tsc checks it).
export const extensionOptions = (t: typeof vscode.l10n.t, signInMethod: 'vscode'): IdentityOperationsOptions => ({ localize: t, signInMethod });

describe('defaultLocalize', () => {
  it('substitutes {0}, {1}… as vscode.l10n.t does, in any order and repeated', () => {
    assert.equal(defaultLocalize("Assigned {0} to '{1}'.", "'id-a'", 'vm-1'), "Assigned 'id-a' to 'vm-1'.");
    assert.equal(defaultLocalize('{1} {0} {1}', 'a', 2), '2 a 2');
    assert.equal(defaultLocalize('{0} of {1}', true, 0), 'true of 0');
  });

  it('leaves a placeholder without an argument, and text without placeholders, as written', () => {
    assert.equal(defaultLocalize('{0} and {1}', 'x'), 'x and {1}');
    assert.equal(defaultLocalize('Cancelled.'), 'Cancelled.');
  });
});
