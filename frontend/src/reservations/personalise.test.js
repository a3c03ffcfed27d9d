import assert from 'node:assert/strict'
import { test } from 'vitest'
import { parseCsvRows, recipientsFromCsv, render, renderedTypes, variablesOf } from './personalise.js'

test('variables are found once each, in order, Hangul names too', () => {
  assert.deepEqual(variablesOf('#{name}님 #{쿠폰_1} 코드 #{name}', '#{title} x #{ no }'), ['name', '쿠폰_1', 'title'])
  assert.deepEqual(variablesOf('no variables, #name, {x}'), [])
})

test('rendering fills known variables and leaves the others', () => {
  assert.equal(render('#{name}님 #{code}', { name: '김' }), '김님 #{code}')
})

test('CSV rows keep their line numbers; quotes hold commas, quotes and new lines', () => {
  const rows = parseCsvRows('\uFEFFdstNum,name\r\n010-1,"Lee, J"\r\n\r\n010-2,"say ""hi""\nthere"\n010-3,Park')
  assert.deepEqual(rows, [
    { line: 1, cells: ['dstNum', 'name'] },
    { line: 2, cells: ['010-1', 'Lee, J'] },
    { line: 4, cells: ['010-2', 'say "hi"\nthere'] },
    { line: 6, cells: ['010-3', 'Park'] },
  ])
  assert.deepEqual(parseCsvRows('a;b\n1;2').map((r) => r.cells), [['a', 'b'], ['1', '2']])
})

test('a header row names the number column and one column per variable', () => {
  const csv = 'name,dstNum,code,extra\nKim,010-1111-2222,A1,x\nLee,010-3333-4444,,y\n'
  const parsed = recipientsFromCsv(csv, ['name', 'code', 'city'])
  assert.equal(parsed.header, true)
  assert.equal(parsed.numberColumn, 'dstNum')
  assert.deepEqual(parsed.recipients, [
    { dstNum: '010-1111-2222', variables: { name: 'Kim', code: 'A1' } },
    { dstNum: '010-3333-4444', variables: { name: 'Lee' } }, // the empty code is left out
  ])
  assert.deepEqual(parsed.lines, [2, 3])
  assert.deepEqual(parsed.missingColumns, ['city'])
  assert.deepEqual(parsed.unusedColumns, ['extra'])
  assert.deepEqual(parsed.gaps, [{ index: 1, line: 3, name: 'code' }])
})

test('without a dstNum column the first column is the number; without a header, numbers only', () => {
  const named = recipientsFromCsv('phone number,name\n010-1111-2222,Kim', ['name'])
  assert.deepEqual(named.recipients, [{ dstNum: '010-1111-2222', variables: { name: 'Kim' } }])
  const bare = recipientsFromCsv('010-1111-2222\n010-3333-4444', ['name'])
  assert.equal(bare.header, false)
  assert.deepEqual(bare.recipients.map((r) => r.dstNum), ['010-1111-2222', '010-3333-4444'])
  assert.deepEqual(bare.missingColumns, ['name'])
})

test('rendered messages are typed one by one', () => {
  const recipients = [{ variables: { name: 'Kim' } }, { variables: { name: '가'.repeat(50) } }, { variables: { name: 'x'.repeat(2100) } }]
  const types = renderedTypes('#{name}님 안녕하세요', recipients)
  assert.deepEqual(types.counts, { SMS: 1, LMS: 1 })
  assert.deepEqual(types.tooLong, [2])
})
