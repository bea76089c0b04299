// The one sort: every list a person sees (tree, quick picks, listings) is ordered by compareText through sortBy,
// so the same names appear in the same order everywhere.

/** The display-order comparison of two texts (locale order). */
export function compareText(a: string, b: string): number {
  return a.localeCompare(b);
}

/**
 * A sorted copy of `items`, by the text `key` gives; a list of texts sorts by the first, then the next on a tie
 * (e.g. resource group, then name).
 */
export function sortBy<T>(items: readonly T[], key: (item: T) => string | readonly string[]): T[] {
  const keyed = items.map((item) => {
    const texts = key(item);
    return { item, texts: typeof texts === 'string' ? [texts] : texts };
  });
  keyed.sort((a, b) => compareKeys(a.texts, b.texts));
  return keyed.map(({ item }) => item);
}

function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let index = 0; index < Math.min(a.length, b.length); index++) {
    const order = compareText(a[index], b[index]);
    if (order !== 0) {
      return order;
    }
  }
  return a.length - b.length;
}
