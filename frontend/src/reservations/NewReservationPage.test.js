// The form: what the server refuses is shown where the customer looks, tied to its
// field for screen readers; a 402 at the top of the long form is scrolled to and focused.
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { ApiError } from '../lib/http.js'
import { flushPromises, mountPage } from '../testing.js'

vi.mock('./api.js', () => ({
  createReservation: vi.fn(),
  getReservation: vi.fn(),
  getRules: vi.fn(async () => ({
    now: new Date().toISOString(),
    minLeadS: 600,
    cancelCutoffS: 300,
    horizonDays: 90,
    maxRecipients: 100000,
    advertising: { hours: '09:00-20:00', timeZone: 'Asia/Seoul' },
  })),
}))
vi.mock('../billing/api.js', () => ({ getQuote: vi.fn(async () => ({ required: 26, available: 1000, sufficient: true })) }))
vi.mock('../templates/api.js', () => ({ listTemplates: vi.fn(async () => ({ items: [], total: 0 })) }))
vi.mock('../messages/api.js', () => ({ listMessages: vi.fn() }))
vi.mock('../senders/api.js', () => ({
  listSenders: vi.fn(async () => ({ items: [{ id: 's-1', number: '0212345678', status: 'verified' }], total: 1 })),
}))

const api = await import('./api.js')
const { default: NewReservationPage } = await import('./NewReservationPage.vue')

beforeEach(() => {
  Element.prototype.scrollIntoView = vi.fn()
})
afterEach(() => vi.clearAllMocks())

async function fill(wrapper) {
  await wrapper.find('#msgTitle').setValue('Reminder')
  await wrapper.find('#msgContent').setValue('안녕하세요')
  await wrapper.find('#dstNum').setValue('010-1234-5678\n010-1234-5678\n010-2222-3333')
  await wrapper.find('#callbackNum').setValue('02-1234-5678')
}

test('a 402 is shown on top of the form, scrolled to and focused', async () => {
  api.createReservation.mockRejectedValueOnce(new ApiError(402, { detail: 'short', required: 39, available: 10 }))
  const { wrapper } = await mountPage(NewReservationPage, { at: '/app/reservations/new', attachTo: document.body })
  await fill(wrapper)
  await wrapper.find('form').trigger('submit')
  await flushPromises()
  const summary = wrapper.find('[data-test=form-error]')
  expect(summary.text()).toBe('Your balance of ₩10 cannot pay for this (₩39). Top up, or send to fewer numbers.')
  expect(summary.element.scrollIntoView).toHaveBeenCalled()
  expect(document.activeElement).toBe(summary.element)
  wrapper.unmount()
})

test('a field error is tied to its field, in the customer\'s words', async () => {
  api.createReservation.mockRejectedValueOnce(
    new ApiError(422, {
      detail: [
        { loc: ['body', 'callbackNum'], type: 'callback_number', msg: 'must be a KR number registered as a sender' },
        { loc: ['body', 'dstNum', 2], type: 'phone_number', msg: 'is not a valid phone number', input: '010-2222-3333' },
      ],
    }),
  )
  const { wrapper } = await mountPage(NewReservationPage, { at: '/app/reservations/new', attachTo: document.body })
  await fill(wrapper)
  await wrapper.find('form').trigger('submit')
  await flushPromises()
  const callback = wrapper.find('#callbackNum')
  expect(callback.attributes('aria-invalid')).toBe('true')
  const describedBy = callback.attributes('aria-describedby')
  expect(wrapper.find(`#${describedBy}`).text()).toContain('Not a callback number we can send from')
  const recipients = wrapper.find('#dstNum')
  expect(recipients.attributes('aria-describedby')).toContain('error-dstNum-items')
  expect(wrapper.find('#error-dstNum-items').text()).toContain('Recipient 3')
  expect(document.activeElement).toBe(wrapper.find('[aria-invalid="true"]').element) // the first error
  wrapper.unmount()
})

test('created: the list opens with the reservation and the duplicates dropped', async () => {
  api.createReservation.mockResolvedValueOnce({
    id: 'r-1',
    userId: 'u',
    msgTitle: 'Reminder',
    msgType: 'SMS',
    status: 'requested',
    recipientCount: 2,
    duplicatesDropped: 1,
    reserveDt: new Date().toISOString(),
    createdAt: new Date().toISOString(),
  })
  const { wrapper, router } = await mountPage(NewReservationPage, { at: '/app/reservations/new' })
  await fill(wrapper)
  await wrapper.find('form').trigger('submit')
  await flushPromises()
  expect(api.createReservation).toHaveBeenCalledWith(
    expect.objectContaining({ dstNum: ['010-1234-5678', '010-1234-5678', '010-2222-3333'], callbackNum: '02-1234-5678' }),
  )
  expect(router.currentRoute.value.name).toBe('reservations')
  expect(router.currentRoute.value.query).toEqual({ created: 'r-1', dropped: '1' })
})

test('the price and the balance show before sending', async () => {
  vi.useFakeTimers()
  const { wrapper } = await mountPage(NewReservationPage, { at: '/app/reservations/new' })
  await fill(wrapper)
  await vi.advanceTimersByTimeAsync(500)
  vi.useRealTimers()
  await flushPromises()
  const billing = await import('../billing/api.js')
  expect(billing.getQuote).toHaveBeenLastCalledWith({ smsCount: 2, lmsCount: 0 }) // the duplicate counts once
  expect(wrapper.find('[data-test=quote-price]').text()).toContain('₩26')
  expect(wrapper.find('[data-test=quote-balance]').text()).toBe('Balance: ₩1,000')
})

test('the picker\'s minimum is the server\'s now plus its lead time', async () => {
  const { wrapper } = await mountPage(NewReservationPage, { at: '/app/reservations/new' })
  await wrapper.find('[data-test=when-later]').setValue(true)
  await flushPromises()
  const min = wrapper.find('[data-test=reserve-at]').attributes('min')
  const earliest = new Date(`${min}:00+09:00`).getTime()
  expect(earliest - Date.now()).toBeGreaterThan(9 * 60_000) // 600 s of lead time
  expect(earliest - Date.now()).toBeLessThan(12 * 60_000)
  expect(wrapper.find('[data-test=reserve-hint]').text()).toContain('at least 10 minutes ahead')
})

test('the verified sender numbers are offered; one that is not is offered for registration', async () => {
  api.createReservation.mockRejectedValueOnce(
    new ApiError(422, {
      detail: [{ loc: ['body', 'callbackNum'], type: 'sender_not_verified', msg: 'not a verified sender: POST /senders', input: '02-9999-0000' }],
    }),
  )
  const { wrapper, router } = await mountPage(NewReservationPage, { at: '/app/reservations/new', attachTo: document.body })
  expect(wrapper.findAll('#senderNumbers option').map((o) => o.attributes('value'))).toEqual(['02-1234-5678'])
  expect(wrapper.find('#callbackNum').attributes('list')).toBe('senderNumbers')
  await fill(wrapper)
  await wrapper.find('#callbackNum').setValue('02-9999-0000')
  await wrapper.find('#msgTitle').setValue('Kept while away')
  await wrapper.find('form').trigger('submit')
  await flushPromises()
  const callback = wrapper.find('#callbackNum')
  const described = callback.attributes('aria-describedby').split(' ')
  expect(described).toEqual(['error-callbackNum', 'callbackNum-register'])
  expect(wrapper.find('#error-callbackNum').text()).toBe('This number is not one of your verified sender numbers.')
  const link = wrapper.find('#callbackNum-register a')
  expect(link.text()).toBe('Register 02-9999-0000 as a sender number')
  expect(link.attributes('href')).toBe('/app/senders?number=02-9999-0000')

  // Away to register it and back: the form is as it was, with the number now verified.
  await router.push(link.attributes('href'))
  wrapper.unmount()
  const { hasDraft } = await import('./draft.js')
  expect(hasDraft()).toBe(true)
  const back = await mountPage(NewReservationPage, { at: '/app/reservations/new?draft=1&callbackNum=02-9999-0000' })
  expect(back.wrapper.find('#msgTitle').element.value).toBe('Kept while away')
  expect(back.wrapper.find('#callbackNum').element.value).toBe('02-9999-0000')
  expect(hasDraft()).toBe(false)
  back.wrapper.unmount()
})

test('an empty form left for the sender numbers keeps no draft', async () => {
  const { wrapper, router } = await mountPage(NewReservationPage, { at: '/app/reservations/new' })
  await router.push({ name: 'senders' })
  const { hasDraft } = await import('./draft.js')
  expect(hasDraft()).toBe(false)
  wrapper.unmount()
})
