// The sender numbers page: register, verify with the code, the errors where the customer
// looks (tied to their fields, in their words), an operator's approval, delete.
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { setLocale } from '../lib/i18n.js'
import { ApiError } from '../lib/http.js'
import { actFor, session } from '../lib/session.js'
import { flushPromises, mountPage } from '../testing.js'

vi.mock('./api.js', () => ({
  listSenders: vi.fn(),
  getSender: vi.fn(),
  registerSender: vi.fn(),
  sendCode: vi.fn(),
  verifySender: vi.fn(),
  approveSender: vi.fn(),
  deleteSender: vi.fn(),
}))

const api = await import('./api.js')
const { default: SendersPage } = await import('./SendersPage.vue')

const inTen = () => new Date(Date.now() + 10 * 60_000).toISOString()
const verified = {
  id: 's-ok',
  userId: 'acme',
  number: '0212345678',
  status: 'verified',
  method: 'operator',
  note: 'demo sender',
  attemptsLeft: 0,
  createdAt: '2026-12-01T00:00:00Z',
  verifiedAt: '2026-12-01T01:00:00Z',
}
const waiting = {
  id: 's-new',
  userId: 'acme',
  number: '01077500001',
  status: 'pending',
  method: null,
  attemptsLeft: 5,
  codeExpiresAt: inTen(),
  codeDelivery: 'delivered',
  createdAt: '2026-12-04T00:00:00Z',
}
const page = (items) => ({ items, page: 1, size: 20, total: items.length })
const row = (wrapper, id) => wrapper.find(`[data-sender-id="${id}"]`)

beforeEach(() => {
  Element.prototype.scrollIntoView = vi.fn()
  Object.assign(session, { token: 't', role: 'customer', userId: 'acme' })
})
afterEach(() => {
  vi.clearAllMocks()
  actFor(null)
  setLocale('en')
  document.body.innerHTML = ''
})

test('each number shows where it stands; a verified one is used in a new reservation', async () => {
  api.listSenders.mockResolvedValue(page([verified, waiting]))
  const { wrapper } = await mountPage(SendersPage, { at: '/app/senders' })
  expect(api.listSenders).toHaveBeenCalledWith({ page: 1, size: 20, status: undefined })
  const ok = row(wrapper, 's-ok')
  expect(ok.find('[data-test=sender-number]').text()).toBe('02-1234-5678')
  expect(ok.find('[data-test=sender-status]').text()).toBe('Verified')
  expect(ok.find('[data-test=sender-detail]').text()).toMatch(/^Approved by an operator on /)
  expect(ok.find('[data-test=sender-note]').text()).toBe('Note: demo sender')
  expect(ok.find('[data-test=use-sender]').attributes('href')).toBe('/app/reservations/new?callbackNum=02-1234-5678')
  expect(ok.find('[data-test=code-form]').exists()).toBe(false)
  const pending = row(wrapper, 's-new')
  expect(pending.attributes('data-state')).toBe('code')
  expect(pending.find('[data-test=sender-detail]').text()).toContain('A code was delivered to this number')
  expect(pending.find('[data-test=sender-detail]').text()).toContain('5 tries left.')
  expect(pending.find('[data-test=approve-form]').exists()).toBe(false) // operators only
})

test('registered: the notice, and the new number\'s code field has the focus', async () => {
  api.listSenders.mockResolvedValueOnce(page([verified])).mockResolvedValue(page([verified, waiting]))
  api.registerSender.mockResolvedValueOnce(waiting)
  const { wrapper } = await mountPage(SendersPage, { at: '/app/senders', attachTo: document.body })
  await wrapper.find('#senderNumber').setValue(' 010-7750-0001 ')
  await wrapper.find('[data-test=sender-form]').trigger('submit')
  await flushPromises()
  expect(api.registerSender).toHaveBeenCalledWith('010-7750-0001', 'code')
  expect(wrapper.find('[data-test=sender-notice]').text()).toBe('010-7750-0001 is registered: a code is on its way to it. Enter it below.')
  expect(row(wrapper, 's-new').classes()).toContain('highlight')
  expect(document.activeElement?.id).toBe('code-s-new')
  wrapper.unmount()
})

test('a number registered already is said, focused, and its row shown', async () => {
  api.listSenders.mockResolvedValue(page([verified]))
  api.registerSender.mockRejectedValueOnce(
    new ApiError(409, { detail: '0212345678 is registered already (GET /senders/s-ok)', code: 'sender_exists', id: 's-ok' }),
  )
  const { wrapper } = await mountPage(SendersPage, { at: '/app/senders', attachTo: document.body })
  await wrapper.find('#senderNumber').setValue('02-1234-5678')
  await wrapper.find('[data-test=sender-form]').trigger('submit')
  await flushPromises()
  const summary = wrapper.find('[data-test=form-error]')
  expect(summary.text()).toBe('This number is registered already: see it in the list.')
  expect(document.activeElement).toBe(summary.element)
  expect(row(wrapper, 's-ok').classes()).toContain('highlight')
  wrapper.unmount()
})

test('a malformed number is tied to its field, in the customer\'s words', async () => {
  api.listSenders.mockResolvedValue(page([]))
  api.registerSender.mockRejectedValueOnce(
    new ApiError(422, { detail: [{ loc: ['body', 'number'], type: 'string_too_short', msg: 'String should have at least 1 character', ctx: { min_length: 1 } }] }),
  )
  const { wrapper } = await mountPage(SendersPage, { at: '/app/senders', attachTo: document.body })
  expect(wrapper.find('[data-test=state-empty]').text()).toContain('No sender numbers yet')
  await wrapper.find('[data-test=sender-form]').trigger('submit')
  await flushPromises()
  const input = wrapper.find('#senderNumber')
  expect(input.attributes('aria-invalid')).toBe('true')
  expect(wrapper.find(`#${input.attributes('aria-describedby')}`).text()).toBe('Required.')
  expect(document.activeElement).toBe(input.element)
  wrapper.unmount()
})

test('the code: checked before asking, a wrong one says the tries left, the right one verifies', async () => {
  api.listSenders.mockResolvedValue(page([waiting]))
  const { wrapper } = await mountPage(SendersPage, { at: '/app/senders', attachTo: document.body })
  const input = () => wrapper.find('#code-s-new')
  await input().setValue('12')
  await wrapper.find('[data-test=code-form]').trigger('submit')
  await flushPromises()
  expect(api.verifySender).not.toHaveBeenCalled()
  expect(wrapper.find(`#${input().attributes('aria-describedby')}`).text()).toBe('Enter the 6 digits sent to the number.')

  api.verifySender.mockRejectedValueOnce(
    new ApiError(422, { detail: [{ loc: ['body', 'code'], type: 'wrong_code', msg: 'wrong code: 4 attempts left', input: null }] }),
  )
  api.getSender.mockResolvedValueOnce({ ...waiting, attemptsLeft: 4 })
  await input().setValue('123 456')
  await wrapper.find('[data-test=code-form]').trigger('submit')
  await flushPromises()
  expect(api.verifySender).toHaveBeenLastCalledWith('s-new', '123456')
  expect(input().attributes('aria-invalid')).toBe('true')
  expect(wrapper.find(`#${input().attributes('aria-describedby')}`).text()).toBe('Wrong code: 4 tries left.')
  expect(row(wrapper, 's-new').find('[data-test=sender-detail]').text()).toContain('4 tries left.')
  expect(document.activeElement).toBe(input().element)

  api.verifySender.mockResolvedValueOnce({ ...waiting, status: 'verified', method: 'code', codeExpiresAt: null, verifiedAt: new Date().toISOString() })
  await input().setValue('654321')
  await wrapper.find('[data-test=code-form]').trigger('submit')
  await flushPromises()
  const done = row(wrapper, 's-new')
  expect(done.find('[data-test=sender-status]').text()).toBe('Verified')
  expect(done.find('[data-test=code-form]').exists()).toBe(false)
  expect(done.find('[data-test=sender-row-notice]').text()).toBe('010-7750-0001 is verified: you can send from it now.')
  wrapper.unmount()
})

test('an expired code asks for a new one; too soon, the wait is said', async () => {
  const expired = { ...waiting, codeExpiresAt: new Date(Date.now() - 1000).toISOString() }
  api.listSenders.mockResolvedValue(page([expired]))
  const { wrapper } = await mountPage(SendersPage, { at: '/app/senders' })
  const r = row(wrapper, 's-new')
  expect(r.attributes('data-state')).toBe('codeSpent')
  expect(r.find('[data-test=sender-detail]').text()).toBe('The code has expired or was entered wrong too often: send a new one.')
  api.sendCode.mockRejectedValueOnce(new ApiError(429, { detail: 'a code was sent less than 60 s ago; ask again in 42 s' }, 42))
  await r.find('[data-test=send-code]').trigger('click')
  await flushPromises()
  expect(row(wrapper, 's-new').find('[data-test=sender-error]').text()).toBe('Too many requests: try again in 42 seconds.')
  api.sendCode.mockResolvedValueOnce(waiting)
  await row(wrapper, 's-new').find('[data-test=send-code]').trigger('click')
  await flushPromises()
  expect(row(wrapper, 's-new').attributes('data-state')).toBe('code')
  expect(row(wrapper, 's-new').find('[data-test=sender-row-notice]').text()).toBe('A new code is on its way to 010-7750-0001.')
})

test('delete asks first, then the list is loaded again', async () => {
  api.listSenders.mockResolvedValueOnce(page([verified, waiting])).mockResolvedValue(page([verified]))
  api.deleteSender.mockResolvedValueOnce(null)
  const { wrapper } = await mountPage(SendersPage, { at: '/app/senders' })
  await row(wrapper, 's-new').find('[data-test=delete-sender]').trigger('click')
  expect(api.deleteSender).not.toHaveBeenCalled()
  await row(wrapper, 's-new').find('[data-test=delete-sender-confirm]').trigger('click')
  await flushPromises()
  expect(api.deleteSender).toHaveBeenCalledWith('s-new')
  expect(wrapper.find('[data-test=sender-notice]').text()).toBe('010-7750-0001 is deleted.')
  expect(wrapper.findAll('[data-test=sender-row]')).toHaveLength(1)
})

test('an operator sees everyone\'s pending numbers and approves one with a note', async () => {
  Object.assign(session, { role: 'operator', userId: 'ops' })
  api.listSenders.mockResolvedValue(page([{ ...waiting, codeExpiresAt: null, codeDelivery: null, attemptsLeft: 0 }]))
  const { wrapper } = await mountPage(SendersPage, { at: '/app/senders', attachTo: document.body })
  expect(api.listSenders).toHaveBeenCalledWith({ page: 1, size: 20, status: 'pending' })
  expect(wrapper.find('[data-test=sender-form]').exists()).toBe(false) // registered for a customer, from their console
  expect(wrapper.find('[data-test=sender-customer]').text()).toBe('Customer: acme')
  await wrapper.find('[data-test=approve-form]').trigger('submit')
  await flushPromises()
  expect(api.approveSender).not.toHaveBeenCalled()
  const note = wrapper.find('#note-s-new')
  expect(wrapper.find(`#${note.attributes('aria-describedby')}`).text()).toBe('Required.')
  api.approveSender.mockResolvedValueOnce({ ...waiting, status: 'verified', method: 'operator', note: 'certificate', verifiedAt: new Date().toISOString() })
  await note.setValue('certificate')
  await wrapper.find('[data-test=approve-form]').trigger('submit')
  await flushPromises()
  expect(api.approveSender).toHaveBeenCalledWith('s-new', 'certificate')
  expect(row(wrapper, 's-new').find('[data-test=sender-row-notice]').text()).toBe('010-7750-0001 is approved.')
  wrapper.unmount()
})

test('in Korean', async () => {
  setLocale('ko')
  api.listSenders.mockResolvedValue(page([waiting]))
  api.verifySender.mockRejectedValueOnce(new ApiError(409, { detail: 'the code has expired: ...', code: 'code_expired' }))
  api.getSender.mockResolvedValueOnce(waiting)
  const { wrapper } = await mountPage(SendersPage, { at: '/app/senders' })
  expect(row(wrapper, 's-new').find('[data-test=sender-status]').text()).toBe('인증 대기')
  await wrapper.find('#code-s-new').setValue('123456')
  await wrapper.find('[data-test=code-form]').trigger('submit')
  await flushPromises()
  expect(wrapper.find('#error-code-s-new').text()).toBe('인증번호가 만료되었습니다. 새 인증번호를 받아 주세요.')
})

test('a code on its way is followed until the carrier says it was delivered', async () => {
  vi.useFakeTimers()
  api.listSenders.mockResolvedValue(page([{ ...waiting, codeDelivery: 'sending' }]))
  api.getSender.mockResolvedValueOnce({ ...waiting, codeDelivery: 'sending' }).mockResolvedValueOnce({ ...waiting, codeDelivery: 'delivered' })
  const { wrapper } = await mountPage(SendersPage, { at: '/app/senders' })
  expect(row(wrapper, 's-new').find('[data-test=sender-detail]').text()).toContain('A code is on its way to this number')
  await vi.advanceTimersByTimeAsync(3_000)
  await vi.advanceTimersByTimeAsync(3_000)
  await flushPromises()
  expect(api.getSender).toHaveBeenCalledTimes(2)
  expect(row(wrapper, 's-new').find('[data-test=sender-detail]').text()).toContain('A code was delivered to this number')
  await vi.advanceTimersByTimeAsync(9_000)
  expect(api.getSender).toHaveBeenCalledTimes(2) // delivered: no more asking
  vi.useRealTimers()
  wrapper.unmount()
})

test('a number registered when the list has more than a page is shown on its page', async () => {
  const many = Array.from({ length: 20 }, (_, i) => ({ ...verified, id: `s-${i}`, number: `02123400${String(i).padStart(2, '0')}` }))
  api.listSenders.mockImplementation(async ({ page: p }) =>
    p === 1 ? { items: many, page: 1, size: 20, total: 21 } : { items: [waiting], page: 2, size: 20, total: 21 },
  )
  api.registerSender.mockResolvedValueOnce(waiting)
  const { wrapper } = await mountPage(SendersPage, { at: '/app/senders', attachTo: document.body })
  await wrapper.find('#senderNumber').setValue('010-7750-0001')
  await wrapper.find('[data-test=sender-form]').trigger('submit')
  await flushPromises()
  expect(api.listSenders).toHaveBeenLastCalledWith({ page: 2, size: 20, status: undefined })
  expect(row(wrapper, 's-new').classes()).toContain('highlight')
  expect(document.activeElement?.id).toBe('code-s-new')
  wrapper.unmount()
})
