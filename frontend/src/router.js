// History-mode routes under /app/, clear of the API prefixes the gateway proxies
// (/msgReqs, /templates, /msgs, /optouts, /sendingWindows, /billings, /stats,
// /monitorings, /auth, /health, /docs).
import { createRouter, createWebHistory } from 'vue-router'
import LoginPage from './auth/LoginPage.vue'
import BillingPage from './billing/BillingPage.vue'
import { session } from './lib/session.js'
import NewReservationPage from './reservations/NewReservationPage.vue'
import ReservationDetailPage from './reservations/ReservationDetailPage.vue'
import ReservationsPage from './reservations/ReservationsPage.vue'
import OptOutsPage from './sending/OptOutsPage.vue'
import SendingWindowsPage from './sending/SendingWindowsPage.vue'
import StatsPage from './stats/StatsPage.vue'
import TemplatesPage from './templates/TemplatesPage.vue'

const routes = [
  { path: '/', redirect: '/app/reservations' },
  { path: '/app', redirect: '/app/reservations' },
  { path: '/app/login', name: 'login', component: LoginPage, meta: { public: true, title: 'Log in' } },
  { path: '/app/reservations', name: 'reservations', component: ReservationsPage, meta: { title: 'Reservations' } },
  { path: '/app/reservations/new', name: 'new-reservation', component: NewReservationPage, meta: { title: 'New reservation' } },
  { path: '/app/reservations/:id', name: 'reservation', component: ReservationDetailPage, props: true, meta: { title: 'Reservation' } },
  { path: '/app/templates', name: 'templates', component: TemplatesPage, meta: { title: 'Templates' } },
  { path: '/app/optouts', name: 'optouts', component: OptOutsPage, meta: { title: 'Opt-outs' } },
  { path: '/app/windows', name: 'windows', component: SendingWindowsPage, meta: { title: 'Sending windows' } },
  { path: '/app/billing', name: 'billing', component: BillingPage, meta: { title: 'Balance' } },
  { path: '/app/stats', name: 'stats', component: StatsPage, meta: { title: 'Statistics' } },
  { path: '/:unknown(.*)*', redirect: '/app/reservations' },
]

export const router = createRouter({ history: createWebHistory(), routes })

router.beforeEach((to) => {
  if (!to.meta.public && !session.token) return { name: 'login', query: { next: to.fullPath } }
  if (to.name === 'login' && session.token) return { name: 'reservations' }
  return true
})

router.afterEach((to) => {
  document.title = `${to.meta.title || 'Dashboard'} · msgplat`
})
