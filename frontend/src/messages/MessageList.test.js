// A reservation's messages: numbers as Koreans write them (E.164 on hover), result codes
// with their meaning, a timeline per message, a status filter.
import { expect, test, vi } from 'vitest'
import { flushPromises, mountPage } from '../testing.js'

const MESSAGES = [
  { id: 1, seq: 0, dstNum: '+821012345678', msgType: 'SMS', status: 'delivered', carrier: 'sim', carrierMsgId: 'c-1', resultCode: '0000', submittedAt: '2026-03-03T00:00:01Z', finalAt: '2026-03-03T00:00:03Z' },
  { id: 2, seq: 1, dstNum: '+821031000000', msgType: 'SMS', status: 'failed', carrier: 'sim', carrierMsgId: 'c-2', resultCode: '3001', reason: 'unreachable handset', submittedAt: '2026-03-03T00:00:01Z', finalAt: '2026-03-03T00:00:04Z' },
]
vi.mock('./api.js', () => ({ listMessages: vi.fn(async () => ({ items: MESSAGES, total: 2 })), exportMessages: vi.fn() }))
const api = await import('./api.js')
const { default: MessageList } = await import('./MessageList.vue')

test('numbers, codes and the timeline read as a customer reads them', async () => {
  const { wrapper } = await mountPage(MessageList, { props: { reservationId: 'r', acceptedAt: '2026-03-02T23:59:00Z' } })
  const rows = wrapper.findAll('[data-test=message-row]')
  const phone = rows[0].find('[data-test=phone]')
  expect(phone.text()).toBe('010-1234-5678')
  expect(phone.attributes('title')).toBe('+821012345678')
  expect(rows[1].find('[data-test=message-reason]').text()).toBe('3001 · Handset unreachable (off or out of coverage)')
  await rows[1].find('[data-test=timeline-toggle]').trigger('click')
  const steps = wrapper.findAll('[data-test=message-timeline] li')
  expect(steps.map((s) => s.attributes('data-step'))).toEqual(['accepted', 'submitted', 'failedReport'])
  expect(steps[1].text()).toContain('c-2')
  expect(steps[2].text()).toContain('3001 · Handset unreachable')
  expect(steps[0].text()).toContain('Mar 3, 2026, 08:59:00')
})

test('the status filter asks the server', async () => {
  const { wrapper } = await mountPage(MessageList, { props: { reservationId: 'r' } })
  await wrapper.find('[data-test=message-status-filter]').setValue('failed')
  await flushPromises()
  expect(api.listMessages).toHaveBeenLastCalledWith({ reservationId: 'r', status: ['failed'], page: 1, size: 20 })
})
