import { onScopeDispose, ref, type Ref } from 'vue'

/** `Date.now()`, updated every `intervalMs` while the calling component (or scope) lives. */
export function useNow(intervalMs = 1000): Readonly<Ref<number>> {
  const now = ref(Date.now())
  const id = setInterval(() => (now.value = Date.now()), intervalMs)
  onScopeDispose(() => clearInterval(id))
  return now
}
