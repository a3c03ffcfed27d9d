// Whether the gateway can be reached. Any answer (even an error) means yes; a call that
// gets none means no: the app then shows the offline banner, stops showing progress as
// live, and asks `GET /health/live` every few seconds until the gateway answers again.
import { reactive } from 'vue'

export const connection = reactive({
  online: true,
  since: null, // when it went offline (ms)
  lastAnswerAt: null, // the gateway's last answer (ms)
})

const listeners = new Set()
let probeTimer = null
const PROBE_MS = 3000

// `onBack(fn)`: fn runs each time the gateway answers again after being unreachable.
export function onBack(fn) {
  listeners.add(fn)
  return () => listeners.delete(fn)
}

export function markAnswered() {
  connection.lastAnswerAt = Date.now()
  if (connection.online) return
  connection.online = true
  connection.since = null
  clearTimeout(probeTimer)
  probeTimer = null
  for (const fn of listeners) fn()
}

export function markUnreachable() {
  if (connection.online) {
    connection.online = false
    connection.since = Date.now()
  }
  scheduleProbe()
}

function scheduleProbe() {
  if (probeTimer) return
  probeTimer = setTimeout(probe, PROBE_MS)
}

export async function probe() {
  probeTimer = null
  try {
    const response = await fetch('/health/live', { cache: 'no-store' })
    if (response.ok) {
      markAnswered()
      return true
    }
  } catch {
    // still unreachable
  }
  if (!connection.online) scheduleProbe()
  return false
}

// Ask the gateway now (e.g. the live stream broke): unreachable if it does not answer.
let checking = null
export function check() {
  checking ??= fetch('/health/live', { cache: 'no-store' })
    .then((response) => (response.ok ? markAnswered() : null))
    .catch(() => markUnreachable())
    .finally(() => {
      checking = null
    })
  return checking
}

if (typeof window !== 'undefined') {
  window.addEventListener('offline', () => markUnreachable())
  window.addEventListener('online', () => probe())
}
