/**
 * Reads by key that concurrent callers share: a caller asking for keys already being read waits
 * for that read, and reads the others together. A dashboard opening a period asks for the same
 * days at once in several requests (the figures, the chart and each breakdown); an instance
 * serving them reads each day's items once. Keys should carry what makes a read current (a
 * day's version), so a caller never gets a read older than it asked for.
 */
export function sharedReads<V>(): (keys: readonly string[], readMany: (keys: string[]) => Promise<Map<string, V>>) => Promise<Map<string, V>> {
  const pending = new Map<string, Promise<V | undefined>>();
  return async (keys, readMany) => {
    const waiting = new Map<string, Promise<V | undefined>>();
    const mine: string[] = [];
    for (const key of new Set(keys)) {
      const inFlight = pending.get(key);
      if (inFlight) waiting.set(key, inFlight);
      else mine.push(key);
    }
    if (mine.length > 0) {
      const read = readMany(mine);
      for (const key of mine) {
        const value = read.then((values) => values.get(key));
        pending.set(key, value);
        waiting.set(key, value);
        // Forgotten once settled (the caches keep what is worth keeping); a failure reaches every caller.
        value.then(
          () => pending.get(key) === value && pending.delete(key),
          () => pending.get(key) === value && pending.delete(key),
        );
      }
    }
    const values = new Map<string, V>();
    for (const [key, value] of waiting) {
      const found = await value;
      if (found !== undefined) values.set(key, found);
    }
    return values;
  };
}
