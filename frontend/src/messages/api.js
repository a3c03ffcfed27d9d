import { get } from '../lib/http.js'

// A reservation's messages in recipient-list order (seq from 0), a page at a time.
export const listMessages = ({ reservationId, page = 1, size = 20 }) =>
  get('/msgs', { reservationId, page, size })
