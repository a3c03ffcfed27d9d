import assert from 'node:assert/strict'
import { test } from 'vitest'
import { isNewer, isPaused, progressOf, sharesOf } from './merge.js'

test('the higher version wins, whatever the order of arrival', () => {
  assert.equal(isNewer({ version: 3 }, { version: 2 }), true)
  assert.equal(isNewer({ version: 2 }, { version: 3 }), false)
  assert.equal(isNewer({ version: 0 }, { version: -1 }), true)
  assert.equal(isNewer({ version: 1 }, undefined), true)
})

test('progress is the server one, else finished over recipients', () => {
  assert.equal(progressOf({ progress: 0.5 }), 0.5)
  assert.equal(progressOf({ recipientCount: 4, deliveredCount: 2, failedCount: 1 }), 0.75)
  assert.equal(progressOf({ recipientCount: 0, status: 'completed' }), 1)
})

test('opted-out messages are finished, and have their own share', () => {
  const view = { recipientCount: 4, deliveredCount: 2, optedOutCount: 1 }
  assert.equal(progressOf(view), 0.75)
  assert.deepEqual(sharesOf(view), { failed: 0, cancelled: 0, optedOut: 0.25 })
})

test('a reservation is paused while the server says until when (or why), not once finished', () => {
  assert.equal(isPaused({ status: 'sending', pausedUntil: '2026-03-03T08:00:00+09:00', pauseReason: 'night' }), true)
  assert.equal(isPaused({ status: 'sending', pausedUntil: null, pauseReason: 'no window opens again' }), true)
  assert.equal(isPaused({ status: 'sending', pausedUntil: null, pauseReason: null }), false)
  assert.equal(isPaused({ status: 'completed', pausedUntil: '2026-03-03T08:00:00+09:00' }), false)
})
