import assert from 'node:assert/strict'
import { test } from 'vitest'
import { axis, dailySeries } from './series.js'

test('every day of the range is a point, days without data are zero', () => {
  const series = dailySeries([{ date: '2026-11-02', delivered: 9, failed: 1 }], '2026-11-01', '2026-11-03')
  assert.deepEqual(series.map((d) => [d.date, d.delivered, d.failed, d.rate]), [
    ['2026-11-01', 0, 0, null],
    ['2026-11-02', 9, 1, 0.9],
    ['2026-11-03', 0, 0, null],
  ])
})

test('the axis ends on a round number above the maximum', () => {
  assert.equal(axis(87).top, 100)
  assert.deepEqual(axis(3).values, [0, 1, 2, 3])
  assert.deepEqual(axis(0).values, [0, 1, 2, 3, 4])
})
