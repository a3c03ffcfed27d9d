import { actingQuery, downloadCsv, get, post, request } from '../lib/http.js'

// Commands go to the reservation service; reads come from the monitoring read model.
export const createReservation = (body) => post('/msgReqs', body)
export const getReservation = (id) => get(`/msgReqs/${id}`)
export const cancelReservation = (id) => post(`/msgReqs/${id}/cancel`)
// A new due time, before the cut-off; the rules of a new reservation apply.
// Its body is strict (no userId): an operator acting for the customer sends none.
export const rescheduleReservation = (id, reserveDt) => request('PATCH', `/msgReqs/${id}`, { body: { reserveDt }, claim: false })
// The public rules: lead time, cut-off, horizon, advertising hours, sizes.
export const getRules = () => get('/msgReqs/rules')

// `filters`: status (a list), purpose, from, to (Seoul days), q (title words), sort.
export const listViews = ({ page = 1, size = 20, ...filters } = {}) => get('/monitorings', { page, size, ...filters })
export const getView = (id) => get(`/monitorings/${id}`)
export const exportReservations = (filters = {}) => downloadCsv('/msgReqs', filters, 'reservations.csv')

// Server-Sent Events of the caller's reservations. EventSource cannot send headers, and
// a URL ends up in logs, so the stream's URL carries a ticket, never the token: valid
// 30 s and for one connection, asked for (with the token) before each connection.
export const streamTicket = () => post('/monitorings/stream/tickets')

export function streamUrl(ticket, reservationId) {
  const params = new URLSearchParams({ ticket, ...actingQuery('/monitorings/stream', {}) })
  if (reservationId) params.set('reservationId', reservationId)
  return `/monitorings/stream?${params}`
}
