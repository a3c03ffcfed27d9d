// The live merge: one map fed by page loads and by the stream, each view replaced only
// by a newer version, whatever order or how often events arrive; the stream's state and
// the gateway being unreachable decide whether progress is shown as live.
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { connection, markAnswered } from '../lib/connection.js'
import { session } from '../lib/session.js'

vi.mock('./api.js', () => ({
  listViews: vi.fn(async () => ({ items: [], total: 0 })),
  getView: vi.fn(),
  streamTicket: vi.fn(async () => ({ ticket: 'st_1' })),
  streamUrl: (ticket) => `/monitorings/stream?ticket=${ticket}`,
}))
vi.mock('../auth/api.js', () => ({ me: vi.fn(async () => ({})) }))

class FakeEventSource {
  static CONNECTING = 0
  static OPEN = 1
  static CLOSED = 2
  static last = null
  constructor(url) {
    this.url = url
    this.readyState = FakeEventSource.CONNECTING
    this.listeners = {}
    FakeEventSource.last = this
  }
  addEventListener(type, fn) {
    this.listeners[type] = fn
  }
  close() {
    this.readyState = FakeEventSource.CLOSED
  }
  open() {
    this.readyState = FakeEventSource.OPEN
    this.onopen?.()
  }
  send(view) {
    this.listeners.reservation?.({ data: JSON.stringify(view) })
  }
}

const store = await import('./store.js')

beforeEach(() => {
  vi.stubGlobal('EventSource', FakeEventSource)
  vi.stubGlobal('fetch', vi.fn(async () => ({ ok: true })))
  session.token = 'token'
  markAnswered()
})
afterEach(() => {
  store.forgetAll()
  session.token = null
  vi.unstubAllGlobals()
})

const view = (version, extra = {}) => ({
  reservationId: 'r-1',
  status: 'sending',
  version,
  deliveredCount: version,
  requestedAt: '2026-03-03T00:00:00Z',
  ...extra,
})

test('events arriving twice or out of order change nothing', async () => {
  await store.connectStream()
  const source = FakeEventSource.last
  source.open()
  source.send(view(3))
  source.send(view(2)) // late
  source.send(view(3)) // twice
  expect(store.reservations.byId['r-1'].version).toBe(3)
  source.send(view(5, { status: 'completed' }))
  expect(store.reservations.byId['r-1'].status).toBe('completed')
  source.listeners.reservation({ data: '{not json' }) // skipped
  expect(store.reservations.byId['r-1'].version).toBe(5)
})

test('a page read never replaces a newer streamed view', () => {
  store.remember(view(7))
  store.remember(view(4, { status: 'scheduled' }))
  expect(store.reservations.byId['r-1'].status).toBe('sending')
  store.rememberCreated({ id: 'r-2', msgTitle: 't', status: 'requested', recipientCount: 1 })
  store.remember({ reservationId: 'r-2', version: 1, status: 'scheduled' })
  expect(store.reservations.byId['r-2'].status).toBe('scheduled') // the provisional view gave way
})

test('progress is live only while the stream is open and the gateway answers', async () => {
  const opensBefore = store.reservations.opens
  await store.connectStream()
  const source = FakeEventSource.last
  expect(store.isLive()).toBe(false) // connecting
  source.open()
  expect(store.isLive()).toBe(true)
  expect(store.reservations.opens).toBe(opensBefore + 1)
  fetch.mockRejectedValue(new TypeError('Failed to fetch')) // the gateway is gone
  source.readyState = FakeEventSource.CONNECTING
  source.onerror()
  await vi.waitFor(() => expect(connection.online).toBe(false))
  expect(store.reservations.stream).toBe('retrying')
  expect(store.isLive()).toBe(false)
})
