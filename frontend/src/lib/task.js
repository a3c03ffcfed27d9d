import { ref } from 'vue'

// Work a page waits for (a list read, a cancel, a download): `busy` while it runs,
// `error` why it last failed. `message(e)` says what to show for a failure (by default
// the error's message; '' for one that is no error to the reader, e.g. a 404 that
// means "none yet"); `busy` starts as `running` (a list read on mount starts busy).
export function useTask(work, { running = false, message = (e) => e.message } = {}) {
  const busy = ref(running)
  const error = ref('')
  async function run(...args) {
    busy.value = true
    error.value = ''
    try {
      await work(...args)
    } catch (e) {
      error.value = message(e)
    } finally {
      busy.value = false
    }
  }
  return { busy, error, run }
}
