import { downloadCsv, get } from '../lib/http.js'

// A reservation's messages in recipient-list order (seq from 0), a page at a time; or,
// without reservationId, a search across reservations: dstNum (any usual form), status
// (a list), from / to (Seoul days of the reservation's due time), newest first.
export const listMessages = ({ page = 1, size = 20, ...search }) => get('/msgs', { page, size, ...search })
export const getMessage = (id) => get(`/msgs/${id}`)
export const exportMessages = (search) =>
  downloadCsv('/msgs', search, search.reservationId ? `messages-${search.reservationId}.csv` : 'messages.csv')
