import { get, post } from '../lib/http.js'

export const login = (userId, password) => post('/auth/login', { userId, password })
export const me = () => get('/auth/me')
export const logout = () => post('/auth/logout')
