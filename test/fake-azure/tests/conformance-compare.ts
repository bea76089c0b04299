// Structural comparison of a fake Azure answer with a Microsoft REST example's response (see conformance.test.ts).

import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join as joinPath, relative } from 'node:path';

/**
 * What "structurally the same" means here. For the example's response body E and the fake's body A:
 * 1. Every key of every object in E appears in the matching object of A, spelled with exactly the same casing,
 *    unless that key's path is listed as deliberately omitted for the example (each with a reason).
 * 2. Its value has the same JSON type in both: object, array, string, number or boolean. A null in E says nothing
 *    about the type and matches anything.
 * 3. Objects are compared key by key, recursively. Each item of an array in A must have the shape of one of the
 *    items of E's array (E's items show the variants, e.g. a status with and without `time`); how many items
 *    there are is data, so an empty array in A matches.
 * 4. Dictionaries whose keys are data rather than schema (tags, userAssignedIdentities) are compared by the shape
 *    of their values only.
 * 5. Values themselves may differ: ids, names, GUIDs, dates, enums, counts.
 * 6. A may have keys E lacks (examples are not exhaustive), but never a key that differs from one of E's only in
 *    case.
 * Paths are written `properties.storageProfile.osDisk` with `[]` for array items, e.g. `value[].properties`.
 */
export function structuralDifferences(expected: unknown, actual: unknown, omitted: readonly string[] = []): string[] {
  const differences: string[] = [];
  compare(expected, actual, '', omitted, differences);
  return differences;
}

const DICTIONARIES = new Set(['tags', 'userAssignedIdentities']);

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function compare(expected: unknown, actual: unknown, path: string, omitted: readonly string[], out: string[]): void {
  if (expected === null) return;
  const expectedType = jsonType(expected);
  const actualType = jsonType(actual);
  if (expectedType !== actualType) {
    out.push(`${path || '(body)'}: expected ${expectedType}, the fake has ${actual === undefined ? 'nothing' : actualType}`);
    return;
  }
  if (expectedType === 'array') {
    const variants = expected as unknown[];
    if (variants.length === 0) return;
    for (const item of actual as unknown[]) {
      // An item matches when it has the shape of one of the example's items; otherwise report the closest.
      const attempts = variants.map((variant) => {
        const found: string[] = [];
        compare(variant, item, `${path}[]`, omitted, found);
        return found;
      });
      const closest = attempts.reduce((best, next) => (next.length < best.length ? next : best));
      out.push(...closest);
    }
    return;
  }
  if (expectedType !== 'object') return;
  const expectedObject = expected as Record<string, unknown>;
  const actualObject = actual as Record<string, unknown>;
  const lastKey = path.split('.').pop() ?? '';
  if (DICTIONARIES.has(lastKey)) {
    const [template] = Object.values(expectedObject);
    if (template !== undefined) {
      for (const [key, value] of Object.entries(actualObject)) compare(template, value, `${path}{${key}}`, omitted, out);
    }
    return;
  }
  for (const key of Object.keys(expectedObject)) {
    const keyPath = join(path, key);
    if (omitted.includes(keyPath)) continue;
    if (!(key in actualObject)) {
      const differentCase = Object.keys(actualObject).find((k) => k.toLowerCase() === key.toLowerCase());
      out.push(differentCase ? `${keyPath}: the fake spells it '${differentCase}'` : `${keyPath}: missing in the fake's answer`);
      continue;
    }
    compare(expectedObject[key], actualObject[key], keyPath, omitted, out);
  }
}

/** A Microsoft REST example: the request's parameters and the responses by status. */
export interface Example {
  parameters: Record<string, unknown>;
  responses: Record<string, { body?: unknown }>;
}
export type Params = Record<string, string>;

/** Every file below `root`, as paths relative to it with '/' separators. */
export function filesUnder(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = joinPath(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.push(relative(root, full).split('\\').join('/'));
    }
  };
  walk(root);
  return files.sort();
}

/** The example's string parameters (path, query), as given. */
export function stringParameters(example: Example): Params {
  const params: Params = {};
  for (const [key, value] of Object.entries(example.parameters)) if (typeof value === 'string') params[key] = value;
  return params;
}

/**
 * Checks a replayed example's answer: its status is one of the example's, and its body has the shape of that
 * status's example body (structuralDifferences, with the case's deliberately omitted keys, each reported with its
 * reason). `expectedOf` adapts the example body where the replay substituted placeholders.
 */
export function assertAnswersLike(
  report: { diagnostic(message: string): void },
  file: string,
  example: Example,
  response: { status: number; body: any },
  omitted: Record<string, string> = {},
  expectedOf: (body: unknown) => unknown = (body) => body,
): void {
  const statuses = Object.keys(example.responses);
  assert.ok(statuses.includes(String(response.status)), `status ${response.status} (${JSON.stringify(response.body)}) is not one of the example's ${statuses.join(', ')}`);
  const expected = example.responses[String(response.status)]!.body;
  if (expected !== undefined) {
    assert.deepEqual(structuralDifferences(expectedOf(expected), response.body, Object.keys(omitted)), [], `${file}: the fake's answer differs in shape`);
    const list = (expected as { value?: unknown[] }).value;
    if (Array.isArray(list) && list.length > 0) assert.ok(response.body.value.length > 0, 'a list example is compared with a non-empty list');
  }
  const reasons = Object.entries(omitted);
  if (reasons.length > 0) report.diagnostic(`${file}: omitted ${reasons.map(([key, why]) => `${key} (${why})`).join('; ')}`);
}
