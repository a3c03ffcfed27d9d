import assert from 'node:assert/strict'
import { afterEach, test } from 'vitest'
import { describe, detailLines, fieldErrors, formErrors, hasErrorType, itemMessage, sayError } from './errors.js'
import { setLocale } from './i18n.js'

afterEach(() => setLocale('en'))

test('a 422 body is split into field errors and recipient errors by index', () => {
  const body = {
    detail: [
      { loc: ['body', 'dstNum', 3], msg: 'is not a phone number', input: 'abc' },
      { loc: ['body', 'msgContent'], msg: 'Value error, is 2100 bytes', input: '...' },
      { loc: ['query', 'page'], msg: 'bad page' },
    ],
  }
  const errors = fieldErrors(body)
  assert.deepEqual(errors.items.dstNum, [{ index: 3, path: [], message: 'is not a phone number', input: 'abc' }])
  assert.deepEqual(errors.fields.msgContent, ['is 2100 bytes'])
  assert.deepEqual(errors.general, ['Page: bad page'])
})

test('a plain detail is one message', () => {
  assert.deepEqual(fieldErrors({ detail: 'insufficient credit' }).general, ['insufficient credit'])
  assert.equal(describe(401, { detail: 'bad token' }), 'bad token')
  assert.match(describe(0, null), /cannot be reached/)
})

test('an error inside one item keeps where in the item it is', () => {
  const body = {
    detail: [{ loc: ['body', 'recipients', 2, 'variables', 'name'], msg: 'is missing', input: null }],
  }
  const [error] = fieldErrors(body).items.recipients
  assert.equal(error.index, 2)
  assert.deepEqual(error.path, ['variables', 'name'])
  assert.equal(itemMessage(error), 'variables.name: is missing')
  assert.equal(itemMessage({ path: [], message: 'too long' }), 'too long')
})

test('a form shows a 422 by field, anything else as one line', () => {
  const invalid = { status: 422, body: { detail: [{ loc: ['body', 'name'], msg: 'is empty' }] }, message: 'x' }
  assert.deepEqual(formErrors(invalid).fields, { name: ['is empty'] })
  assert.deepEqual(formErrors({ status: 409, body: { detail: 'taken' }, message: 'taken' }).general, ['taken'])
})

test('every error of a body can be listed on its own line', () => {
  const body = {
    detail: [
      { loc: ['body', 'numbers', 2], msg: 'bad' },
      { loc: ['body', 4], msg: 'line 4: bad' },
      { loc: ['body', 7], msg: 'bad' },
    ],
    errorCount: 5,
  }
  assert.deepEqual(detailLines(422, body), ['numbers.2: bad', 'line 4: bad', 'line 7: bad', '… 2 more errors'])
  assert.deepEqual(detailLines(409, { detail: 'taken' }), ['taken'])
})

test('errors are said in the customer\'s words, not the API\'s', () => {
  assert.equal(sayError({ type: 'string_too_short', msg: 'String should have at least 1 character', ctx: { min_length: 1 } }), 'Required.')
  const tooSoon = {
    type: 'reserve_too_soon',
    msg: '2026-03-03T05:00:00.123456+00:00 is less than 10 min ahead (RESERVE_MIN_LEAD_S)',
    ctx: { earliest: '2026-03-03T05:10:00.123456+00:00', leadS: 600 },
  }
  const said = sayError(tooSoon)
  assert.equal(said, 'Choose a time at least 10 minutes ahead: Mar 3, 2026, 14:10 (Seoul) or later, or send now.')
  assert.doesNotMatch(said, /RESERVE_MIN_LEAD_S|\.123456|\+00:00/)
  setLocale('ko')
  assert.equal(sayError(tooSoon), '최소 10분 이후의 시각을 선택해 주세요: 2026. 3. 3. 14:10(서울) 이후, 또는 즉시 발송.')
  assert.equal(sayError({ type: 'missing', msg: 'Field required' }), '필수 항목입니다.')
})

test('a 402 names the balance and the price in won', () => {
  assert.equal(
    describe(402, { detail: 'the balance of 100 KRW cannot pay', required: 13000, available: 100 }),
    'Your balance of ₩100 cannot pay for this (₩13,000). Top up, or send to fewer numbers.',
  )
  setLocale('ko')
  assert.match(describe(402, { required: 13000, available: 100 }), /잔액 100원/)
})

test('an unknown error type is shown as the server wrote it', () => {
  assert.equal(sayError({ type: 'value_error', msg: 'Value error, is odd' }), 'is odd')
})

test('sender numbers: each refusal in the customer\'s words, in both languages', () => {
  assert.equal(describe(409, { detail: 'x', code: 'sender_exists', id: 's' }), 'This number is registered already: see it in the list.')
  assert.equal(describe(409, { detail: 'x', code: 'too_many_codes' }), 'Too many codes were sent to this number: ask an operator to approve it.')
  assert.equal(describe(409, { detail: 'x', code: 'too_many_attempts' }), 'The code was entered wrong too often: send a new one.')
  assert.equal(describe(429, { detail: 'ask again in 42 s' }, 42), 'Too many requests: try again in 42 seconds.')
  assert.equal(describe(429, { detail: 'ask again in 7000 s' }, 7000), 'Too many requests: try again in 117 minutes.')
  assert.equal(describe(429, { detail: 'ask again in 86000 s' }, 86000), 'Too many requests: try again in 24 hours.')
  assert.equal(describe(429, {}), 'Too many requests: wait a moment and try again.')
  assert.equal(sayError({ type: 'wrong_code', msg: 'wrong code: 1 attempts left' }), 'Wrong code: 1 try left.')
  assert.equal(sayError({ type: 'wrong_code', msg: 'falsch', ctx: { attemptsLeft: 2 } }), 'Wrong code: 2 tries left.')
  assert.equal(sayError({ type: 'wrong_code', msg: 'wrong code' }), 'Wrong code.')
  assert.equal(sayError({ type: 'string_pattern_mismatch', msg: "String should match pattern '^[0-9]{6}$'", ctx: { pattern: '^[0-9]{6}$' } }), 'Enter the 6 digits sent to the number.')
  assert.equal(sayError({ type: 'sender_not_verified', msg: 'x' }), 'This number is not one of your verified sender numbers.')
  setLocale('ko')
  assert.equal(describe(409, { detail: 'x', code: 'code_expired' }), '인증번호가 만료되었습니다. 새 인증번호를 받아 주세요.')
  assert.equal(sayError({ type: 'wrong_code', msg: 'wrong code: 3 attempts left' }), '인증번호가 틀렸습니다. 3번 더 입력할 수 있습니다.')
})

test('a 422 is known by the type of one field\'s error', () => {
  const error = { status: 422, body: { detail: [{ loc: ['body', 'callbackNum'], type: 'sender_not_verified' }] } }
  assert.equal(hasErrorType(error, 'callbackNum', 'sender_not_verified'), true)
  assert.equal(hasErrorType(error, 'dstNum', 'sender_not_verified'), false)
  assert.equal(hasErrorType({ status: 402, body: { detail: 'short' } }, 'callbackNum', 'sender_not_verified'), false)
})
