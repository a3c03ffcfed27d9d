import { del, get, post, put } from '../lib/http.js'

// The customer's own API keys (the gateway's /auth/keys): a new key is shown once.
export const listKeys = () => get('/auth/keys')
export const createKey = (name) => post('/auth/keys', { name })
export const revokeKey = (id) => del(`/auth/keys/${id}`)

// Webhooks (monitoring): every status change POSTed to a URL, signed; a test ping; the log.
export const listWebhooks = () => get('/monitorings/webhooks')
export const createWebhook = (url) => post('/monitorings/webhooks', { url })
export const deleteWebhook = (id) => del(`/monitorings/webhooks/${id}`)
export const pingWebhook = (id) => post(`/monitorings/webhooks/${id}/ping`)
export const listDeliveries = (id, { page = 1, size = 10 } = {}) =>
  get(`/monitorings/webhooks/${id}/deliveries`, { page, size })

// The alert number: a short text to the customer's own mobile when a reservation ends.
export const getAlerts = () => get('/monitorings/alerts')
export const putAlerts = (body) => put('/monitorings/alerts', body)
