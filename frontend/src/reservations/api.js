import { get, post } from '../lib/http.js'

// Commands go to the reservation service; reads come from the monitoring read model.
export const createReservation = (body) => post('/msgReqs', body)
export const getReservation = (id) => get(`/msgReqs/${id}`)
export const cancelReservation = (id) => post(`/msgReqs/${id}/cancel`)

export const listViews = ({ page = 1, size = 20 } = {}) => get('/monitorings', { page, size })
export const getView = (id) => get(`/monitorings/${id}`)

// Server-Sent Events of the caller's reservations. EventSource cannot send headers,
// so the token goes in the query.
export function streamUrl(token, reservationId) {
  const params = new URLSearchParams({ accessToken: token })
  if (reservationId) params.set('reservationId', reservationId)
  return `/monitorings/stream?${params}`
}
