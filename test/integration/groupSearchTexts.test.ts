// Guarantee (issue 13): group-search texts with quotes, OData operators and unicode reach Microsoft Graph exactly as
// typed. For each text the fake's request log gives the `$search` Graph received; undoing Graph's quoting (the clause
// `"displayName:…"`, inside which `"` and `\` are escaped with a backslash: azure-wire-facts.md, section 6) must give
// back the typed text. And the results are right: the group named by that text is found, and none of the decoys (which
// an operator or a broken quote letting the search loose would bring in) is.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { demoSeed } from '../fake-azure/demo';
import type { RunningFakeAzure } from '../fake-azure/server';
import { demo, signInAs, startFake } from './harness';

const TEXTS = [
  "O'Brien Ops",
  "it's 'single'",
  'say "hello"',
  'a"b',
  'back\\slash',
  'trailing\\',
  '"fully quoted"',
  "' OR ''='",
  '" OR "x',
  'sg eq x',
  "startswith(displayName,'sg')",
  'ops OR admins',
  'NOT finance',
  'alpha AND beta',
  '(paren) group',
  '$filter=id',
  'displayName:evil',
  'description:secret',
  '50% off & more',
  'a+b=c?d#e',
  'Ünïcödé grüppe',
  '日本語グループ',
  'Ελληνική ομάδα',
  'rocket 🚀 team',
];

/** A group named exactly as each text, and decoys that no text names. */
const groups = [
  ...TEXTS.map((displayName, index) => ({ id: `9e000000-0000-4000-8000-${String(index + 1).padStart(12, '0')}`, displayName, members: [], owners: [] })),
  { id: '9e000000-0000-4000-8000-00000000d001', displayName: 'zz-decoy-one', description: 'nothing to find here', members: [], owners: [] },
  { id: '9e000000-0000-4000-8000-00000000d002', displayName: 'qq decoy two', members: [], owners: [] },
];
const decoys = new Set(['zz-decoy-one', 'qq decoy two']);

let fake: RunningFakeAzure;
before(async () => {
  fake = await startFake({ seed: { ...demoSeed, groups: [...demoSeed.groups, ...groups] } });
});
after(async () => fake.stop());

/** The text inside Graph's `"displayName:…"` clause, unescaped. */
function typedTextOf(search: string): string {
  const clause = /^"displayName:(.*)"$/s.exec(search);
  assert.ok(clause, `a displayName clause: ${search}`);
  return clause[1]!.replace(/\\(.)/gs, '$1');
}

describe('group-search texts reach Graph exactly as typed', () => {
  it(`${TEXTS.length} texts with quotes, OData operators and unicode: the $search decodes to the text, and the results are right`, async () => {
    const { ops } = signInAs(fake);
    const problems: string[] = [];
    for (const text of TEXTS) {
      const before = fake.requests().length;
      let found: string[] = [];
      try {
        let page = await ops.searchGroups(demo.production, text);
        found = page.groups.map((g) => g.displayName);
        while (page.nextPageLink) {
          page = await ops.nextGroupPage(demo.production, page.nextPageLink);
          found.push(...page.groups.map((g) => g.displayName));
        }
      } catch (error) {
        problems.push(`${JSON.stringify(text)}: ${String(error)}`);
        continue;
      }
      const sent = fake.requests().slice(before).filter((r) => r.path === '/graph/v1.0/groups');
      assert.ok(sent.length > 0, `${text}: Graph was asked`);
      for (const request of sent) {
        assert.equal(request.graphQuery?.filter, undefined, `${text}: no $filter is sent`);
        const typed = typedTextOf(request.graphQuery?.search ?? '');
        if (typed !== text) problems.push(`${JSON.stringify(text)} reached Graph as ${JSON.stringify(typed)}`);
      }
      if (!found.includes(text)) problems.push(`${JSON.stringify(text)}: its group was not found (${JSON.stringify(found)})`);
      const loose = found.filter((name) => decoys.has(name));
      if (loose.length > 0) problems.push(`${JSON.stringify(text)} also found ${JSON.stringify(loose)}`);
    }
    assert.deepEqual(problems, []);
  });
});
