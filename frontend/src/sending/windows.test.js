import assert from 'node:assert/strict'
import { test } from 'vitest'
import { describeDays, describeWindow } from './windows.js'

test('days read as runs in week order', () => {
  assert.equal(describeDays(['fri', 'mon', 'tue', 'wed', 'thu']), 'Mon–Fri')
  assert.equal(describeDays(['mon', 'wed', 'sat', 'sun']), 'Mon, Wed, Sat, Sun')
  assert.equal(describeDays(['mon', 'tue', 'wed', 'sat']), 'Mon–Wed, Sat')
  assert.equal(describeDays(['sun', 'sat', 'fri', 'thu', 'wed', 'tue', 'mon']), 'Every day')
  assert.equal(describeDays([]), 'No day')
})

test('a window ending before it starts runs into the next day', () => {
  assert.equal(describeWindow({ days: ['sat'], start: '09:00', end: '18:00' }), 'Sat 09:00–18:00')
  assert.equal(describeWindow({ days: ['sat'], start: '22:00', end: '02:00' }), 'Sat 22:00–02:00 (next day)')
})
