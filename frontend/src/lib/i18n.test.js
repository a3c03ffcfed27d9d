import assert from 'node:assert/strict'
import { test } from 'vitest'
import en from '../i18n/en.js'
import ko from '../i18n/ko.js'
import { preferredLocale } from './i18n.js'

test('Korean when the browser prefers it, unless the customer chose', () => {
  assert.equal(preferredLocale(null, ['ko-KR', 'en-US']), 'ko')
  assert.equal(preferredLocale(null, ['en-GB', 'ko']), 'en')
  assert.equal(preferredLocale(null, ['fr-FR']), 'en')
  assert.equal(preferredLocale('en', ['ko-KR']), 'en')
})

function keys(tree, prefix = '') {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'object' ? keys(value, `${prefix}${key}.`) : [`${prefix}${key}`],
  )
}

test('every English text has its Korean one, and no other', () => {
  assert.deepEqual(keys(ko).sort(), keys(en).sort())
})
