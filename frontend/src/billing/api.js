import { get } from '../lib/http.js'

export const getBalance = () => get('/billings')
export const listLedger = ({ page = 1, size = 20 } = {}) => get('/billings/ledger', { page, size })
