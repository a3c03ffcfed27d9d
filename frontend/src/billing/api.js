import { downloadCsv, get, post } from '../lib/http.js'

export const getBalance = () => get('/billings')
export const listLedger = ({ page = 1, size = 20 } = {}) => get('/billings/ledger', { page, size })
// The ledger summed per reservation: held, charged, released.
export const listLedgerByReservation = ({ page = 1, size = 20 } = {}) =>
  get('/billings/ledger/byReservation', { page, size })
export const exportLedger = () => downloadCsv('/billings/ledger', {}, 'ledger.csv')
// One month's charges (YYYY-MM, Seoul; default this month) by type and by carrier.
export const getUsage = ({ month } = {}) => get('/billings/usage', { month })
// Operators only (a customer's own credentials are refused with 403).
export const topUp = ({ userId, amount, note }) => post('/billings/topups', { userId, amount, note })
// The price of so many SMS and LMS, and whether the available balance covers it.
export const getQuote = ({ smsCount = 0, lmsCount = 0 }) => get('/billings/quote', { smsCount, lmsCount })
