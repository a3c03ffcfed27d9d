import { ref } from 'vue'

// Work a page waits for (a list read, a cancel, a download): `busy` while it runs,
// `error` why it last failed. `message(e)` says what to show for a failure (by default
// the error's message; '' for one that is no error to the reader, e.g. a 404 that
// means "none yet"); `busy` starts as `running` (a list read on mount starts busy).
//
// Runs go one at a time, in the order asked: a read started by a click while the
// page's first read is still out (the ledger's "All entries") answers last, so the
// slower first answer can never overwrite it.
export function useTask(work, { running = false, message = (e) => e.message } = {}) {
  const busy = ref(running)
  const error = ref('')
  let queue = Promise.resolve()
  let waiting = 0
  async function attempt(args) {
    error.value = ''
    try {
      await work(...args)
    } catch (e) {
      error.value = message(e)
    }
  }
  function run(...args) {
    busy.value = true
    error.value = ''
    // Nothing out: the work starts now; else once the runs asked before have ended.
    const turn = waiting === 0 ? attempt(args) : queue.then(() => attempt(args))
    waiting += 1
    queue = turn.finally(() => {
      waiting -= 1
      busy.value = waiting > 0
    })
    return queue
  }
  return { busy, error, run }
}
