// Structural comparison of a fake Azure answer with a Microsoft REST example's response (see conformance.test.ts).

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
