import assert from 'node:assert/strict'
import { test } from 'node:test'
import { describe, fieldErrors } from './errors.js'

test('a 422 body is split into field errors and recipient errors by index', () => {
  const body = {
    detail: [
      { loc: ['body', 'dstNum', 3], msg: 'is not a phone number', input: 'abc' },
      { loc: ['body', 'msgContent'], msg: 'Value error, is 2100 bytes', input: '...' },
      { loc: ['query', 'page'], msg: 'bad page' },
    ],
  }
  const errors = fieldErrors(body)
  assert.deepEqual(errors.items.dstNum, [{ index: 3, message: 'is not a phone number', input: 'abc' }])
  assert.deepEqual(errors.fields.msgContent, ['is 2100 bytes'])
  assert.deepEqual(errors.general, ['query.page: bad page'])
})

test('a plain detail is one message', () => {
  assert.deepEqual(fieldErrors({ detail: 'insufficient credit' }).general, ['insufficient credit'])
  assert.equal(describe(401, { detail: 'bad token' }), 'bad token')
  assert.match(describe(0, null), /cannot be reached/)
})
