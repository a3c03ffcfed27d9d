import { get, post } from '../lib/http.js'

// Commands go to the reservation service; reads come from the monitoring read model.
export const createReservation = (body) => post('/msgReqs', body)
export const getReservation = (id) => get(`/msgReqs/${id}`)
export const cancelReservation = (id) => post(`/msgReqs/${id}/cancel`)

export const listViews = ({ page = 1, size = 20 } = {}) => get('/monitorings', { page, size })
export const getView = (id) => get(`/monitorings/${id}`)

// Server-Sent Events of the caller's reservations. EventSource cannot send headers, and
// a URL ends up in logs, so the stream's URL carries a ticket, never the token: valid
// 30 s and for one connection, asked for (with the token) before each connection.
export const streamTicket = () => post('/monitorings/stream/tickets')

export function streamUrl(ticket, reservationId) {
  const params = new URLSearchParams({ ticket })
  if (reservationId) params.set('reservationId', reservationId)
  return `/monitorings/stream?${params}`
}
