// The customer's reservations as they are now: one map fed by page loads and by the
// monitoring stream (Server-Sent Events), merged by reservationId keeping the newest
// version. Pages and components read from here, so a change pushed by the server shows
// everywhere at once without a reload.
import { reactive } from 'vue'
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
// Each connection (and reconnection) asks for its own ticket first. `attempt` is bumped
// by every connection started and by disconnectStream, so a ticket that arrives for a
// connection given up meanwhile opens nothing.
let attempt = 0
let opening = false

export async function connectStream() {
  if (source || opening || !session.token) return
  clearTimeout(retryTimer)
  const mine = ++attempt
  opening = true
  reservations.stream = 'connecting'
  let ticket
  try {
    ticket = (await api.streamTicket()).ticket // a 401 here ends the session (lib/http.js)
  } catch {
    if (mine === attempt) {
      opening = false
      retryLater() // the server is down or busy: keep trying
    }
    return
  }
  if (mine !== attempt) return
  opening = false
  if (!session.token) {
    reservations.stream = 'off'
    return
  }
  source = new EventSource(api.streamUrl(ticket))
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
    // The browser would reconnect by itself, with the same URL: its ticket is used up.
    // Close it, and reconnect with a new ticket (which also checks the session).
    if (source) source.close()
    source = null
    retryLater()
  }
}

function retryLater() {
  reservations.stream = 'retrying'
  clearTimeout(retryTimer)
  retryTimer = setTimeout(() => {
    if (session.token) connectStream()
    else reservations.stream = 'off'
  }, retryDelay)
  retryDelay = Math.min(retryDelay * 2, 15000)
}

export function disconnectStream() {
  attempt += 1
  opening = false
  if (source) source.close()
  source = null
  reservations.stream = 'off'
}

export function forgetAll() {
  disconnectStream()
  clearTimeout(retryTimer)
  reservations.byId = {}
}
