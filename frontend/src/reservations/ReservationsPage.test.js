// The list: the server filters it, a new reservation's notice says what was dropped, a
// row shows its progress as stale when nothing is live.
import { afterEach, expect, test, vi } from 'vitest'
import { markAnswered, markUnreachable } from '../lib/connection.js'
import { flushPromises, mountPage } from '../testing.js'

const VIEWS = [
  { reservationId: 'a', msgTitle: 'Invoice', msgType: 'SMS', purpose: 'normal', status: 'sending', recipientCount: 4, deliveredCount: 1, failedCount: 1, version: 3, reserveDt: '2026-03-03T00:00:00Z', requestedAt: '2026-03-03T00:00:00Z' },
  { reservationId: 'b', msgTitle: 'Sale', msgType: 'LMS', purpose: 'advertising', status: 'completed', recipientCount: 1, deliveredCount: 1, failedCount: 0, version: 9, reserveDt: '2026-03-02T00:00:00Z', requestedAt: '2026-03-02T00:00:00Z' },
]

vi.mock('./api.js', () => ({
  listViews: vi.fn(async () => ({ items: VIEWS, total: 2 })),
  getRules: vi.fn(async () => ({ now: new Date().toISOString(), minLeadS: 600, cancelCutoffS: 300, horizonDays: 90, advertising: { hours: '08:00-21:00', timeZone: 'Asia/Seoul' } })),
  exportReservations: vi.fn(),
  cancelReservation: vi.fn(),
  getView: vi.fn(),
  streamUrl: () => '',
}))

const api = await import('./api.js')
const store = await import('./store.js')
const { default: ReservationsPage } = await import('./ReservationsPage.vue')

afterEach(() => {
  store.forgetAll()
  markAnswered()
  vi.clearAllMocks()
})

test('rows show status, progress and counts in one thousands format', async () => {
  const { wrapper } = await mountPage(ReservationsPage)
  const rows = wrapper.findAll('[data-test=reservation-row]')
  expect(rows.map((r) => r.attributes('data-reservation-id'))).toEqual(['a', 'b'])
  expect(rows[0].find('[data-test=status]').text()).toBe('Sending')
  expect(rows[0].find('[data-test=progress-text]').text()).toBe('50%')
  expect(rows[1].find('[data-test=purpose-badge]').text()).toBe('Advertising')
})

test('filters go to the server and stay in the URL', async () => {
  const { wrapper, router } = await mountPage(ReservationsPage)
  await wrapper.find('[data-test=filter-q]').setValue('sale')
  await wrapper.find('[data-test=filter-status]').setValue('completed')
  await wrapper.find('[data-test=filter-from]').setValue('2026-03-01')
  await wrapper.find('[data-test=filters]').trigger('submit')
  await flushPromises()
  expect(router.currentRoute.value.query).toEqual({ q: 'sale', status: 'completed', from: '2026-03-01' })
  expect(api.listViews).toHaveBeenLastCalledWith({ page: 1, size: 20, q: 'sale', from: '2026-03-01', status: ['completed'] })
  expect(wrapper.find('[data-test=match-count]').text()).toBe('2 reservations match')
})

test('the created notice says how many duplicates were dropped', async () => {
  const { wrapper } = await mountPage(ReservationsPage, { at: '/app/reservations?created=a&dropped=2' })
  expect(wrapper.find('[data-test=created-notice]').text()).toContain('2 duplicate numbers were dropped')
  expect(wrapper.find('[data-reservation-id=a]').classes()).toContain('highlight')
})

test('offline: progress is shown as stale, never as live', async () => {
  const { wrapper } = await mountPage(ReservationsPage)
  markUnreachable()
  await flushPromises()
  const sending = wrapper.find('[data-reservation-id=a]')
  expect(sending.attributes('data-stale')).toBe('true')
  expect(sending.find('[data-test=progress]').classes()).toContain('stale')
  expect(wrapper.find('[data-reservation-id=b]').attributes('data-stale')).toBe('false') // final figures
  expect(wrapper.find('[data-test=live]').text()).toBe('Offline')
})
