import assert from 'node:assert/strict'
import { afterEach, test } from 'vitest'
import { callbackNumber, count, koreanNumber, resultMeaning, signedWon, successRate, won } from './format.js'
import { setLocale } from './i18n.js'

afterEach(() => setLocale('en'))

test('the success rate never shows 100% beside a failure, nor 0% beside a delivery', () => {
  assert.equal(successRate(9997, 3), '99.9%') // not "100.0%" beside "Failed 3"
  assert.equal(successRate(99_999, 1), '99.9%')
  assert.equal(successRate(1, 9999), '0.1%')
  assert.equal(successRate(24, 1), '96.0%')
  assert.equal(successRate(5, 0), '100.0%')
  assert.equal(successRate(0, 0), '—')
})

test('numbers as Koreans write them', () => {
  assert.equal(koreanNumber('+821012345678'), '010-1234-5678')
  assert.equal(koreanNumber('+82212345678'), '02-1234-5678')
  assert.equal(koreanNumber('+8221234567'), '02-123-4567')
  assert.equal(koreanNumber('+82311234567'), '031-123-4567')
  assert.equal(koreanNumber('+12015550123'), '+12015550123')
  assert.equal(callbackNumber('15881234'), '1588-1234')
  assert.equal(callbackNumber('0212345678'), '02-1234-5678')
})

test('one thousands format, and won with its sign, in each language', () => {
  assert.equal(count(1234567), '1,234,567')
  assert.equal(won(12000), '₩12,000')
  assert.equal(signedWon(-500), '−₩500')
  assert.equal(signedWon(1500), '+₩1,500')
  setLocale('ko')
  assert.equal(won(12000), '12,000원')
  assert.equal(count(1234567), '1,234,567')
})

test('result codes with their meaning', () => {
  assert.equal(resultMeaning('3001'), 'Handset unreachable (off or out of coverage)')
  assert.equal(resultMeaning('1999'), 'Rejected by the carrier')
  assert.equal(resultMeaning(''), '')
  setLocale('ko')
  assert.equal(resultMeaning('P003'), '전달 결과가 제때 오지 않음')
})
