import assert from 'node:assert/strict'
import { afterEach, test } from 'vitest'
import { setLocale } from './i18n.js'
import { duration, formatDay, formatSeoul, seoulIso, seoulLocalInput } from './time.js'

afterEach(() => setLocale('en'))

test('times read in Seoul, for the UI language, seconds only when asked', () => {
  assert.equal(formatSeoul('2026-03-02T23:30:00Z'), 'Mar 3, 2026, 08:30:00')
  assert.equal(formatSeoul('2026-03-02T23:30:00Z', { seconds: false }), 'Mar 3, 2026, 08:30')
  assert.equal(formatSeoul('2026-03-02T23:30:00Z', { seconds: 'auto' }), 'Mar 3, 2026, 08:30')
  assert.equal(formatSeoul('2026-03-02T23:30:25.123456Z', { seconds: 'auto' }), 'Mar 3, 2026, 08:30:25')
  assert.equal(formatSeoul(null), '—')
  setLocale('ko')
  assert.equal(formatSeoul('2026-03-02T23:30:00Z', { seconds: false }), '2026. 3. 3. 08:30')
  assert.equal(formatDay('2026-03-03'), '2026. 3. 3.')
})

test('a datetime-local value is Seoul wall time', () => {
  assert.equal(seoulLocalInput(new Date('2026-03-02T23:30:00Z')), '2026-03-03T08:30')
  assert.equal(seoulIso('2026-03-03T08:30'), '2026-03-03T08:30:00+09:00')
})

test('a lead time reads in its largest whole unit', () => {
  assert.deepEqual(duration(600), { unit: 'min', value: 10 })
  assert.deepEqual(duration(7200), { unit: 'h', value: 2 })
  assert.deepEqual(duration(90), { unit: 's', value: 90 })
})
