// The customer's reservations as they are now: one map fed by page loads and by the
// monitoring stream (Server-Sent Events), merged by reservationId keeping the newest
// version. Pages and components read from here, so a change pushed by the server shows
// everywhere at once without a reload.
import { reactive } from 'vue'
import { me } from '../auth/api.js'
import { session } from '../lib/session.js'
import * as api from './api.js'
import { isNewer } from './merge.js'

export const reservations = reactive({
  byId: {},
  // 'off' (logged out), 'connecting', 'live', 'retrying'
  stream: 'off',
  lastEventAt: null,
})

export function remember(view) {
  if (!view || !view.reservationId) return
  if (isNewer(view, reservations.byId[view.reservationId])) {
    reservations.byId[view.reservationId] = view
  }
}

// Right after a POST /msgReqs, before the read model has it: a provisional view
// (version -1) that the first real one replaces.
export function rememberCreated(msgReq) {
  remember({
    reservationId: msgReq.id,
    userId: msgReq.userId,
    msgTitle: msgReq.msgTitle,
    msgType: msgReq.msgType,
    purpose: msgReq.purpose || 'normal',
    status: msgReq.status,
    statusReason: msgReq.statusReason,
    recipientCount: msgReq.recipientCount,
    deliveredCount: 0,
    failedCount: 0,
    cancelledCount: 0,
    optedOutCount: 0,
    pausedUntil: null,
    pauseReason: null,
    progress: 0,
    reserveDt: msgReq.reserveDt,
    requestedAt: msgReq.createdAt,
    updatedAt: msgReq.updatedAt,
    version: -1,
  })
}

export async function loadPage({ page, size }) {
  const answer = await api.listViews({ page, size })
  for (const view of answer.items) remember(view)
  return answer
}

export async function loadOne(id) {
  remember(await api.getView(id))
  return reservations.byId[id]
}

let source = null
let retryTimer = null
let retryDelay = 1000

export function connectStream() {
  if (source || !session.token) return
  clearTimeout(retryTimer)
  reservations.stream = 'connecting'
  source = new EventSource(api.streamUrl(session.token))
  source.onopen = () => {
    reservations.stream = 'live'
    retryDelay = 1000
  }
  source.addEventListener('reservation', (event) => {
    reservations.lastEventAt = Date.now()
    try {
      remember(JSON.parse(event.data))
    } catch {
      // an event we cannot read is skipped; the next one carries the whole view again
    }
  })
  source.onerror = () => {
    if (source && source.readyState === EventSource.CONNECTING) {
      reservations.stream = 'retrying' // the browser reconnects by itself
      return
    }
    // Closed for good (e.g. refused): check the session, then reconnect with backoff.
    disconnectStream()
    reservations.stream = 'retrying'
    retryTimer = setTimeout(async () => {
      try {
        await me() // a 401 here ends the session
      } catch {
        // the server is down: keep trying
      }
      if (session.token) connectStream()
      else reservations.stream = 'off'
    }, retryDelay)
    retryDelay = Math.min(retryDelay * 2, 15000)
  }
}

export function disconnectStream() {
  if (source) source.close()
  source = null
  reservations.stream = 'off'
}

export function forgetAll() {
  disconnectStream()
  clearTimeout(retryTimer)
  reservations.byId = {}
}
