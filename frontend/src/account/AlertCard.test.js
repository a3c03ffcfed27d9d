// The alert number goes only to a verified sender number: one that is not is said, tied
// to the field, with a link to register it.
import { expect, test, vi } from 'vitest'
import { ApiError } from '../lib/http.js'
import { flushPromises, mountPage } from '../testing.js'

vi.mock('./api.js', () => ({
  getAlerts: vi.fn(async () => ({ callbackNum: null, enabled: false })),
  putAlerts: vi.fn(),
}))

const api = await import('./api.js')
const { default: AlertCard } = await import('./AlertCard.vue')

test('a number that is not a verified sender links to its registration', async () => {
  api.putAlerts.mockRejectedValueOnce(
    new ApiError(422, {
      detail: [{ loc: ['body', 'callbackNum'], type: 'sender_not_verified', msg: 'not a verified sender number', input: '010-7750-0001' }],
    }),
  )
  const { wrapper } = await mountPage(AlertCard, { at: '/app/account' })
  await wrapper.find('#alertNumber').setValue('010-7750-0001')
  await wrapper.find('[data-test=alert-form]').trigger('submit')
  await flushPromises()
  const input = wrapper.find('#alertNumber')
  expect(input.attributes('aria-describedby')).toBe('error-callbackNum alert-register')
  expect(wrapper.find('#error-callbackNum').text()).toBe('This number is not one of your verified sender numbers.')
  const link = wrapper.find('#alert-register a')
  expect(link.text()).toBe('Register 010-7750-0001 as a sender number')
  expect(link.attributes('href')).toBe('/app/senders?number=010-7750-0001')
})
