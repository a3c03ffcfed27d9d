import assert from 'node:assert/strict'
import { test } from 'node:test'
import { describe, detailLines, fieldErrors, formErrors, itemMessage } from './errors.js'

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
  assert.deepEqual(errors.general, ['query.page: bad page'])
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
