import assert from 'node:assert/strict'
import { test } from 'node:test'
import { formatSeoul } from './time.js'

test('times read in Seoul, seconds only when asked (or, with auto, when not :00)', () => {
  assert.equal(formatSeoul('2026-03-02T23:30:00Z'), '2026-03-03 08:30:00')
  assert.equal(formatSeoul('2026-03-02T23:30:00Z', { seconds: false }), '2026-03-03 08:30')
  assert.equal(formatSeoul('2026-03-02T23:30:00Z', { seconds: 'auto' }), '2026-03-03 08:30')
  assert.equal(formatSeoul('2026-03-02T23:30:25Z', { seconds: 'auto' }), '2026-03-03 08:30:25')
  assert.equal(formatSeoul(null), '—')
})
