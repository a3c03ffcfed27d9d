import assert from 'node:assert/strict'
import { test } from 'vitest'
import { parseCsv, splitPasted } from './recipients.js'

test('pasted numbers split on new lines and commas, in order, blanks dropped', () => {
  assert.deepEqual(splitPasted('010-1111-2222\n010 3333 4444, 01055556666\n\n'), [
    '010-1111-2222',
    '010 3333 4444',
    '01055556666',
  ])
})

test('a CSV gives its first column, without a header row', () => {
  const csv = '\uFEFFphone,name\r\n010-1111-2222,Kim\r\n"010-3333-4444","Lee, J"\r\n\r\n'
  assert.deepEqual(parseCsv(csv), ['010-1111-2222', '010-3333-4444'])
  assert.deepEqual(parseCsv('01011112222\n01033334444'), ['01011112222', '01033334444'])
})
