import { get } from '../lib/http.js'

export const getBalance = () => get('/billings')
export const listLedger = ({ page = 1, size = 20 } = {}) => get('/billings/ledger', { page, size })
// One month's charges (YYYY-MM, Seoul; default this month) by type and by carrier.
export const getUsage = ({ month } = {}) => get('/billings/usage', { month })
