// Statistics: never "Success rate 100.0%" beside "Failed 3".
import { expect, test, vi } from 'vitest'
import { mountPage } from '../testing.js'

vi.mock('./api.js', () => ({
  getStats: vi.fn(async () => ({
    stat: { requested: 10000, delivered: 9997, failed: 3, optedOut: 0, rate: 0.9997, failuresByCode: { 3001: 3 } },
    history: [],
  })),
  getCarrierStats: vi.fn(async () => ({ items: [{ carrier: 'sim', delivered: 9997, failed: 3 }] })),
  exportStats: vi.fn(),
}))
const { default: StatsPage } = await import('./StatsPage.vue')

test('the success rate is never rounded up to 100% while messages failed', async () => {
  const { wrapper } = await mountPage(StatsPage, { at: '/app/stats' })
  expect(wrapper.find('[data-test=stat-failed]').text()).toBe('3')
  expect(wrapper.find('[data-test=stat-rate]').text()).toBe('99.9%')
  expect(wrapper.find('[data-test=stats-carrier-row]').text()).toContain('99.9%')
  expect(wrapper.find('[data-test=stat-delivered]').text()).toBe('9,997')
  expect(wrapper.find('[data-test=stats-codes]').text()).toContain('3001 · Handset unreachable')
})
