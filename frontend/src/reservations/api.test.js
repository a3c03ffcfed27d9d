import assert from 'node:assert/strict'
import { test } from 'node:test'
import { streamUrl } from './api.js'

test('the stream URL carries a ticket, never the token', () => {
  const url = new URL(streamUrl('st_abc', 'r-1'), 'http://gateway')
  assert.equal(url.pathname, '/monitorings/stream')
  assert.equal(url.searchParams.get('ticket'), 'st_abc')
  assert.equal(url.searchParams.get('reservationId'), 'r-1')
  assert.equal(url.searchParams.has('accessToken'), false)
  assert.equal(new URL(streamUrl('st_abc'), 'http://gateway').searchParams.has('reservationId'), false)
})
