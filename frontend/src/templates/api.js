import { del, get, post, put } from '../lib/http.js'

// Stored message templates (the reservation service): title and content, possibly with
// #{variables}, and the purpose they are meant for.
export const listTemplates = ({ page = 1, size = 20 } = {}) => get('/templates', { page, size })
export const getTemplate = (id) => get(`/templates/${id}`)
export const createTemplate = (body) => post('/templates', body)
export const updateTemplate = (id, body) => put(`/templates/${id}`, body)
export const deleteTemplate = (id) => del(`/templates/${id}`)
