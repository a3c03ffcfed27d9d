import { expect, test } from 'vitest'
import { streamUrl } from './api.js'

test('the stream URL carries a ticket, never the token', () => {
  const url = new URL(streamUrl('st_abc', 'r-1'), 'http://gateway')
  expect(url.pathname).toBe('/monitorings/stream')
  expect(url.searchParams.get('ticket')).toBe('st_abc')
  expect(url.searchParams.get('reservationId')).toBe('r-1')
  expect(url.searchParams.has('accessToken')).toBe(false)
  expect(new URL(streamUrl('st_abc'), 'http://gateway').searchParams.has('reservationId')).toBe(false)
})
