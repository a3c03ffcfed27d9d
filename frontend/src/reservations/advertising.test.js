import assert from 'node:assert/strict'
import { test } from 'vitest'
import {
  adProblems,
  formatOptOutNumber,
  hasAdMarker,
  hasOptOutNumber,
  inQuietHours,
  parseHours,
  insertAdMarker,
  insertOptOutLine,
} from './advertising.js'

test('the marker goes at the very start, once', () => {
  assert.equal(insertAdMarker('봄 세일 50%'), '(광고) 봄 세일 50%')
  assert.equal(insertAdMarker('  \n봄 세일'), '(광고) 봄 세일')
  assert.equal(insertAdMarker(''), '(광고) ')
  assert.equal(insertAdMarker('(광고) 봄 세일'), '(광고) 봄 세일')
  assert.equal(insertAdMarker(insertAdMarker('x')), '(광고) x')
  assert.equal(hasAdMarker('세일 (광고)'), false)
  assert.equal(hasAdMarker('\n(광고) 세일'), true) // the server allows leading blanks too
})

test('an opt-out number is a free 080 number, written with dashes', () => {
  assert.equal(formatOptOutNumber('0801234567'), '080-123-4567')
  assert.equal(formatOptOutNumber('080 1234 5678'), '080-1234-5678')
  assert.equal(formatOptOutNumber('02-123-4567'), null)
  assert.equal(formatOptOutNumber('080-12'), null)
})

test('the opt-out line is added at the end, or replaces the one there', () => {
  assert.equal(insertOptOutLine('(광고) 세일\n', '0801234567'), '(광고) 세일\n무료거부 080-123-4567')
  assert.equal(insertOptOutLine('', '080-123-4567'), '무료거부 080-123-4567')
  assert.equal(
    insertOptOutLine('(광고) 세일\n무료거부 080-111-2222\n감사합니다', '080-333-4444'),
    '(광고) 세일\n무료거부 080-333-4444\n감사합니다',
  )
  assert.throws(() => insertOptOutLine('x', '010-1234-5678'), /080/)
  assert.equal(hasOptOutNumber(insertOptOutLine('x', '0801234567')), true)
})

test('what an advertising content lacks', () => {
  assert.equal(adProblems('세일').length, 2)
  assert.deepEqual(adProblems('(광고) 세일\n무료거부 080-123-4567'), [])
  assert.deepEqual(adProblems('(광고) 세일'), ['optOut'])
  assert.equal(hasOptOutNumber('(광고) 세일 수신거부 0801234567'), true)
  assert.equal(hasOptOutNumber('(광고) 세일 10801234567'), false) // part of a longer number
})

test('the night hours are 21:00 to 08:00 in Seoul, whatever the zone of the date', () => {
  assert.equal(inQuietHours(new Date('2026-03-02T21:00:00+09:00')), true)
  assert.equal(inQuietHours(new Date('2026-03-02T07:59:00+09:00')), true)
  assert.equal(inQuietHours(new Date('2026-03-02T08:00:00+09:00')), false)
  assert.equal(inQuietHours(new Date('2026-03-02T11:59:00Z')), false) // 20:59 in Seoul
  assert.equal(inQuietHours(new Date('2026-03-02T12:00:00Z')), true) // 21:00 in Seoul
  // The server's hours, whatever they are: here open overnight.
  const overnight = { hours: '22:00-06:00', timeZone: 'Asia/Seoul' }
  assert.equal(inQuietHours(new Date('2026-03-02T23:00:00+09:00'), overnight), false)
  assert.equal(inQuietHours(new Date('2026-03-02T12:00:00+09:00'), overnight), true)
  assert.deepEqual(parseHours('8:00-21:30'), { from: '08:00', to: '21:30' })
})
