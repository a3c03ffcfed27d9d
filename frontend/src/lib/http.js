// Every call to the API: same origin, JSON both ways, the bearer token on each call.
// A 401 ends the session (App.vue then shows the login page).
import { describe, fieldErrors } from './errors.js'
import { endSession, session } from './session.js'

export class ApiError extends Error {
  constructor(status, body) {
    super(describe(status, body))
    this.status = status
    this.body = body
  }

  get fieldErrors() {
    return fieldErrors(this.body)
  }
}

export function withQuery(path, query) {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, value)
  }
  const text = params.toString()
  return text ? `${path}?${text}` : path
}

// `body` is sent as JSON; `raw` (with `contentType`) as it is, e.g. a CSV file.
export async function request(method, path, { query, body, raw, contentType } = {}) {
  const headers = { Accept: 'application/json' }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (raw !== undefined) headers['Content-Type'] = contentType || 'text/plain'
  if (session.token) headers.Authorization = `Bearer ${session.token}`
  let response
  try {
    response = await fetch(withQuery(path, query), {
      method,
      headers,
      body: raw !== undefined ? raw : body === undefined ? undefined : JSON.stringify(body),
    })
  } catch {
    throw new ApiError(0, null)
  }
  const text = await response.text()
  let data = null
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = { detail: text.slice(0, 300) }
    }
  }
  if (response.status === 401 && session.token && path !== '/auth/login') {
    endSession({ expired: true })
  }
  if (!response.ok) throw new ApiError(response.status, data)
  return data
}

export const get = (path, query) => request('GET', path, { query })
export const post = (path, body) => request('POST', path, { body })
export const put = (path, body) => request('PUT', path, { body })
export const del = (path) => request('DELETE', path)
export const postText = (path, raw, contentType) => request('POST', path, { raw, contentType })
