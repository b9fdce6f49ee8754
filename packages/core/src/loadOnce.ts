/**
 * `load` behind a function that calls it once and shares its promise; a load that failed (a lazy chunk that could not
 * be fetched) is tried again on the next call, instead of failing for the rest of the page's life.
 */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined
      throw error
    }))
}
