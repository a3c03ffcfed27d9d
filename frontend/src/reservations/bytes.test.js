import assert from 'node:assert/strict'
import { test } from 'vitest'
import { carrierBytes, messageType } from './bytes.js'

test('ASCII is one byte a character, Hangul two', () => {
  assert.equal(carrierBytes('hello').bytes, 5)
  assert.equal(carrierBytes('안녕하세요').bytes, 10)
  assert.equal(carrierBytes('안녕 hi').bytes, 7)
})

test('characters outside CP949 are named', () => {
  const measured = carrierBytes('hi 😀 안녕')
  assert.deepEqual(measured.unsendable, ['😀'])
  assert.deepEqual(carrierBytes('한자 漢字 ①').unsendable, [])
})

test('SMS up to 90 bytes, LMS up to 2,000, beyond is refused', () => {
  assert.equal(messageType(90), 'SMS')
  assert.equal(messageType(91), 'LMS')
  assert.equal(messageType(2000), 'LMS')
  assert.equal(messageType(2001), null)
  assert.equal(messageType(carrierBytes('가'.repeat(45)).bytes), 'SMS')
  assert.equal(messageType(carrierBytes('가'.repeat(46)).bytes), 'LMS')
})
