import { get, patch, post } from '../lib/http.js'

// Operators only: customer accounts (the gateway) and their credit (billing).
export const listCustomers = ({ page = 1, size = 50, q } = {}) => get('/auth/customers', { page, size, q })
export const createCustomer = (body) => post('/auth/customers', body)
export const updateCustomer = (userId, limits) => patch(`/auth/customers/${encodeURIComponent(userId)}`, limits)
export const topUp = (userId, amount) => post('/billings/topups', { userId, amount })
// The balances of several customers; those never topped up are left out.
export const getBalances = (userIds) => get('/billings/balances', { userId: userIds })
