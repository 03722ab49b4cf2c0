/**
 * A value made on first use and shared by every later call: for clients whose packages a
 * function imports only when a rare route needs them. A failed `make` (an import that failed) is
 * tried again on the next call.
 */
export function onFirstUse<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () =>
    (value ??= make().catch((error: unknown) => {
      value = undefined;
      throw error;
    }));
}
