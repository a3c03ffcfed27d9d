// The customer's reservations as they are now: one map fed by page loads and by the
// monitoring stream (Server-Sent Events), merged by reservationId keeping the newest
// version. Pages and components read from here, so a change pushed by the server shows
// everywhere at once without a reload.
import { reactive } from 'vue'
import { check, connection, markUnreachable, onBack } from '../lib/connection.js'
import { session } from '../lib/session.js'
import * as api from './api.js'
import { isNewer } from './merge.js'

export const reservations = reactive({
  byId: {},
  // 'off' (logged out), 'connecting', 'live', 'retrying'
  stream: 'off',
  lastEventAt: null,
  // When the views shown were last known to be current (ms): the stream's last word, or
  // the last page read. Shown as "as of" while the stream is not live.
  freshAt: null,
  // How many times the stream opened (1 while it never had to reconnect).
  opens: 0,
  // Bumped when the gateway answers again after being unreachable: pages read again.
  reloads: 0,
})

// Progress is live only while the stream is open and the gateway answers.
export const isLive = () => reservations.stream === 'live' && connection.online

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

export async function loadPage({ page, size, ...filters }) {
  const answer = await api.listViews({ page, size, ...filters })
  for (const view of answer.items) remember(view)
  reservations.freshAt = Date.now()
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
  } catch (e) {
    if (e && e.status === 0) markUnreachable() // the banner shows; keep trying
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
    reservations.opens++
    reservations.freshAt = Date.now()
    retryDelay = 1000
  }
  source.addEventListener('reservation', (event) => {
    reservations.lastEventAt = reservations.freshAt = Date.now()
    try {
      remember(JSON.parse(event.data))
    } catch {
      // an event we cannot read is skipped; the next one carries the whole view again
    }
  })
  source.onerror = () => {
    check() // a broken stream may be the gateway gone: the banner says so
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

// The gateway answers again: reopen the stream at once and let the pages read again.
onBack(() => {
  if (!session.token) return
  clearTimeout(retryTimer)
  retryDelay = 1000
  if (source && source.readyState === EventSource.CLOSED) disconnectStream()
  connectStream()
  reservations.reloads++
})
