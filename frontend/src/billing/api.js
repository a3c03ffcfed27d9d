import { get, post } from '../lib/http.js'

export const getBalance = () => get('/billings')
export const listLedger = ({ page = 1, size = 20 } = {}) => get('/billings/ledger', { page, size })
// One month's charges (YYYY-MM, Seoul; default this month) by type and by carrier.
export const getUsage = ({ month } = {}) => get('/billings/usage', { month })
// Operators only (a customer's own credentials are refused with 403).
export const topUp = ({ userId, amount, note }) => post('/billings/topups', { userId, amount, note })
