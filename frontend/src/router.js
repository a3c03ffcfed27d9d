// History-mode routes under /app/, clear of the API prefixes the gateway proxies
// (/msgReqs, /templates, /senders, /msgs, /optouts, /sendingWindows, /billings, /stats,
// /monitorings, /auth, /health, /docs).
import { watch } from 'vue'
import { createRouter, createWebHistory } from 'vue-router'
import LoginPage from './auth/LoginPage.vue'
import { i18n, t } from './lib/i18n.js'
import { session } from './lib/session.js'
import NewReservationPage from './reservations/NewReservationPage.vue'
import ReservationDetailPage from './reservations/ReservationDetailPage.vue'
import ReservationsPage from './reservations/ReservationsPage.vue'

// The pages used every day are in the first download; the others load when opened.
const routes = [
  { path: '/', redirect: '/app/reservations' },
  { path: '/app', redirect: '/app/reservations' },
  { path: '/app/login', name: 'login', component: LoginPage, meta: { public: true, title: 'login' } },
  { path: '/app/reservations', name: 'reservations', component: ReservationsPage, meta: { title: 'reservations' } },
  { path: '/app/reservations/new', name: 'new-reservation', component: NewReservationPage, meta: { title: 'newReservation' } },
  { path: '/app/reservations/:id', name: 'reservation', component: ReservationDetailPage, props: true, meta: { title: 'reservation' } },
  { path: '/app/upcoming', name: 'upcoming', component: () => import('./reservations/UpcomingPage.vue'), meta: { title: 'upcoming' } },
  { path: '/app/messages', name: 'messages', component: () => import('./messages/MessageSearchPage.vue'), meta: { title: 'messages' } },
  { path: '/app/templates', name: 'templates', component: () => import('./templates/TemplatesPage.vue'), meta: { title: 'templates' } },
  { path: '/app/senders', name: 'senders', component: () => import('./senders/SendersPage.vue'), meta: { title: 'senders' } },
  { path: '/app/optouts', name: 'optouts', component: () => import('./sending/OptOutsPage.vue'), meta: { title: 'optouts' } },
  { path: '/app/windows', name: 'windows', component: () => import('./sending/SendingWindowsPage.vue'), meta: { title: 'windows' } },
  { path: '/app/billing', name: 'billing', component: () => import('./billing/BillingPage.vue'), meta: { title: 'billing' } },
  { path: '/app/stats', name: 'stats', component: () => import('./stats/StatsPage.vue'), meta: { title: 'stats' } },
  { path: '/app/account', name: 'account', component: () => import('./account/AccountPage.vue'), meta: { title: 'account' } },
  { path: '/app/customers', name: 'customers', component: () => import('./operators/CustomersPage.vue'), meta: { title: 'customers', operator: true } },
  { path: '/:unknown(.*)*', redirect: '/app/reservations' },
]

export const router = createRouter({
  history: createWebHistory(),
  routes,
  // A new page opens at its top (a page left and come back to: where it was).
  scrollBehavior: (to, from, saved) => saved || { top: 0 },
})

router.beforeEach((to) => {
  if (!to.meta.public && !session.token) return { name: 'login', query: { next: to.fullPath } }
  if (to.name === 'login' && session.token) return { name: 'reservations' }
  if (to.meta.operator && session.role !== 'operator') return { name: 'reservations' }
  return true
})

function setTitle(route) {
  document.title = `${t(`titles.${route.meta.title || 'dashboard'}`)} · msgplat`
}

router.afterEach(setTitle)
watch(i18n.global.locale, () => setTitle(router.currentRoute.value))
