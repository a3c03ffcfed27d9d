import { del, get, post, postText, put } from '../lib/http.js'

// The customer's sending rules kept by the send service: the opt-out list (advertising
// is never sent to a number on it) and the sending windows (sending pauses outside them).

export const listOptOuts = ({ page = 1, size = 20, number } = {}) => get('/optouts', { page, size, number })
export const addOptOuts = (numbers) => post('/optouts', { numbers })
export const removeOptOuts = (numbers) => post('/optouts/remove', { numbers })
export const removeOptOut = (number) => del(`/optouts/${encodeURIComponent(number)}`)
export const uploadOptOuts = (csvText) => postText('/optouts/upload', csvText, 'text/csv')

export const getSendingWindows = () => get('/sendingWindows')
export const putSendingWindows = (body) => put('/sendingWindows', body)
export const deleteSendingWindows = () => del('/sendingWindows')
