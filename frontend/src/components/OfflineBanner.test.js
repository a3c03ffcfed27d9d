import { afterEach, expect, test } from 'vitest'
import { markAnswered, markUnreachable } from '../lib/connection.js'
import { setLocale } from '../lib/i18n.js'
import { flushPromises, mountPage } from '../testing.js'
import OfflineBanner from './OfflineBanner.vue'

afterEach(() => {
  markAnswered()
  setLocale('en')
})

test('the banner shows while the gateway does not answer, in the UI language', async () => {
  const { wrapper } = await mountPage(OfflineBanner)
  expect(wrapper.find('[data-test=offline-banner]').exists()).toBe(false)
  markUnreachable()
  await flushPromises()
  expect(wrapper.find('[data-test=offline-banner]').text()).toContain('You are offline')
  setLocale('ko')
  await flushPromises()
  expect(wrapper.find('[data-test=offline-banner]').text()).toContain('오프라인 상태입니다')
  markAnswered()
  await flushPromises()
  expect(wrapper.find('[data-test=offline-banner]').exists()).toBe(false)
})
