// Guarantee (issue 13): generated identity names are refused before any request exactly where Azure would refuse
// them. The oracle is the fake Azure's rule (resource-name-rules for Microsoft.ManagedIdentity), the code the fake
// answers 400 InvalidResourceName with. Seeded; GENERATED_NAMES_SEED=<seed> replays a run.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IdentityError } from '../../src/identity/identityError';
import { IdentityOperations } from '../../src/identity/operations';
import type { AzureClientProvider } from '../../src/identity/ports';
import { isValidUserAssignedIdentityName } from '../fake-azure/arm';
import { seededRandom } from '../seededRandom';

const NAMES = 260;
const ALPHABET = ['a', 'Z', '7', '-', '_', '.', ' ', '/', '\\', "'", '"', '%', '#', '?', '&', 'é', 'ß', 'Ω', 'あ', '😀', '\u200b', '\t', '+', '='];

function generateNames(random: () => number): string[] {
  const lengths = [0, 1, 2, 3, 4, 64, 127, 128, 129, 200];
  const names: string[] = [];
  for (let i = 0; i < NAMES; i++) {
    const length = random() < 0.3 ? lengths[Math.floor(random() * lengths.length)]! : 3 + Math.floor(random() * 25);
    // Mostly valid characters, so that both valid and invalid names are common.
    let name = '';
    for (let c = 0; c < length; c++) {
      name += random() < 0.97 ? 'abcXYZ019-_'[Math.floor(random() * 11)] : ALPHABET[Math.floor(random() * ALPHABET.length)];
    }
    names.push(name);
  }
  return names;
}

describe('generated user-assigned identity names', () => {
  it(`${NAMES} names: refused before any request exactly where Azure would refuse them`, async () => {
    const seed = process.env.GENERATED_NAMES_SEED ? Number(process.env.GENERATED_NAMES_SEED) : Math.floor(Math.random() * 2 ** 31);
    console.log(`generated-names seed: ${seed} (replay with GENERATED_NAMES_SEED=${seed})`);
    const names = generateNames(seededRandom(seed));
    let requests = 0;
    const provider: AzureClientProvider = {
      listSubscriptions: async () => [],
      forSubscription: async () => {
        requests++;
        throw new Error('request sent');
      },
    };
    const ops = new IdentityOperations(provider);
    let refused = 0;
    for (const name of names) {
      const before = requests;
      const valid = isValidUserAssignedIdentityName(name);
      try {
        await ops.createUserAssignedIdentity({ subscriptionId: 's', resourceGroup: 'rg', name, location: 'eastus' });
        assert.fail('the stub provider always throws');
      } catch (error) {
        assert.ok(error instanceof IdentityError, String(error));
        if (valid) {
          assert.equal(requests, before + 1, `'${name}' is valid for Azure but was refused (seed ${seed}): ${error.message}`);
        } else {
          refused++;
          assert.equal(requests, before, `'${name}' would be refused by Azure but a request was started (seed ${seed})`);
          assert.equal(error.kind, 'invalid');
        }
      }
    }
    // Both kinds must be common, or the test proves little.
    assert.ok(refused > NAMES / 5 && refused < NAMES - NAMES / 5, `${refused} of ${NAMES} refused (seed ${seed})`);
  });
});
