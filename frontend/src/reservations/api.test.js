import { afterEach, expect, test, vi } from 'vitest'
import { actFor, session } from '../lib/session.js'
import { rescheduleReservation, streamUrl } from './api.js'

test('the stream URL carries a ticket, never the token', () => {
  const url = new URL(streamUrl('st_abc', 'r-1'), 'http://gateway')
  expect(url.pathname).toBe('/monitorings/stream')
  expect(url.searchParams.get('ticket')).toBe('st_abc')
  expect(url.searchParams.get('reservationId')).toBe('r-1')
  expect(url.searchParams.has('accessToken')).toBe(false)
  expect(new URL(streamUrl('st_abc'), 'http://gateway').searchParams.has('reservationId')).toBe(false)
})

afterEach(() => {
  actFor(null)
  Object.assign(session, { token: null, role: null, userId: null })
  vi.unstubAllGlobals()
})

test('an operator acting for a customer reschedules with the strict body: no userId', async () => {
  const fetch = vi.fn(async () => ({ ok: true, status: 200, text: async () => '{}', headers: new Headers() }))
  vi.stubGlobal('fetch', fetch)
  Object.assign(session, { token: 't', role: 'operator', userId: 'ops' })
  actFor('acme')
  await rescheduleReservation('r-1', '2026-12-05T10:00:00+09:00')
  const [url, init] = fetch.mock.calls[0]
  expect([url, init.method, JSON.parse(init.body)]).toEqual(['/msgReqs/r-1', 'PATCH', { reserveDt: '2026-12-05T10:00:00+09:00' }])
})
