import { del, get, post, request } from '../lib/http.js'

// Sender numbers (발신번호 사전등록, the reservation service): a callback number is
// registered, then verified by the code sent to it or by an operator, before a
// reservation may name it. The actions on one sender name no customer (claim: false):
// an operator acting for a customer sends no userId with them.
export const listSenders = ({ page = 1, size = 20, status } = {}) => get('/senders', { page, size, status })
export const getSender = (id) => get(`/senders/${id}`)
// verifyBy: 'code' (a code is sent to the number) or 'operator' (an operator approves it).
export const registerSender = (number, verifyBy = 'code') => post('/senders', { number, verifyBy })
export const sendCode = (id) => request('POST', `/senders/${id}/code`, { claim: false })
export const verifySender = (id, code) => request('POST', `/senders/${id}/verify`, { body: { code }, claim: false })
export const approveSender = (id, note) => request('POST', `/senders/${id}/approve`, { body: { note }, claim: false })
export const deleteSender = (id) => del(`/senders/${id}`)
