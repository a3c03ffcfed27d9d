// Mounting a page or component for a component test: the app's i18n (English), a
// router in memory with the app's route names, and every promise settled.
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import { i18n } from './lib/i18n.js'

const Blank = { template: '<div />' }
const NAMES = [
  ['reservations', '/app/reservations'],
  ['new-reservation', '/app/reservations/new'],
  ['reservation', '/app/reservations/:id'],
  ['upcoming', '/app/upcoming'],
  ['messages', '/app/messages'],
  ['templates', '/app/templates'],
  ['senders', '/app/senders'],
  ['optouts', '/app/optouts'],
  ['windows', '/app/windows'],
  ['billing', '/app/billing'],
  ['stats', '/app/stats'],
  ['account', '/app/account'],
  ['customers', '/app/customers'],
  ['login', '/app/login'],
]

export async function mountPage(component, { props = {}, at = '/app/reservations', attachTo } = {}) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: NAMES.map(([name, path]) => ({ name, path, component: Blank })),
  })
  await router.push(at)
  await router.isReady()
  const wrapper = mount(component, { props, attachTo, global: { plugins: [i18n, router] } })
  await flushPromises()
  return { wrapper, router }
}

export { flushPromises }
