import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isNewer, progressOf } from './merge.js'

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
