// Every call to the API: same origin, JSON both ways, the bearer token on each call.
// A 401 ends the session (App.vue then shows the login page); no answer at all marks
// the gateway unreachable (lib/connection.js).
import { markAnswered, markUnreachable } from './connection.js'
import { describe, fieldErrors } from './errors.js'
import { endSession, session } from './session.js'

export class ApiError extends Error {
  // `retryAfter`: a 429's Retry-After header, in seconds.
  constructor(status, body, retryAfter = null) {
    super(describe(status, body, retryAfter))
    this.status = status
    this.body = body
    this.retryAfter = retryAfter
  }

  get fieldErrors() {
    return fieldErrors(this.body)
  }
}

export function withQuery(path, query) {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query || {})) {
    if (Array.isArray(value)) {
      for (const item of value) if (item !== undefined && item !== null && item !== '') params.append(key, item)
    } else if (value !== undefined && value !== null && value !== '') {
      params.set(key, value)
    }
  }
  const text = params.toString()
  return text ? `${path}?${text}` : path
}

// An operator looking at one customer's console: every call names that customer
// (`userId` in the query, or in a JSON body), except the gateway's own /auth routes.
export function actingQuery(path, query) {
  if (!session.actingFor || session.role !== 'operator' || path.startsWith('/auth')) return query
  return { userId: session.actingFor, ...(query || {}) }
}

function actingBody(path, body, claim) {
  if (!claim || !session.actingFor || session.role !== 'operator' || path.startsWith('/auth')) return body
  if (!body || typeof body !== 'object' || Array.isArray(body) || body.userId) return body
  return { ...body, userId: session.actingFor }
}

async function send(method, path, options = {}) {
  // `claim: false`: a body that names no customer (an action on a resource of theirs, by
  // its id): not given the acting operator's userId.
  const { raw, contentType, accept = 'application/json', claim = true } = options
  const reads = method === 'GET' || method === 'DELETE'
  const query = reads ? actingQuery(path, options.query) : options.query
  const body = reads ? options.body : actingBody(path, options.body, claim)
  const headers = { Accept: accept }
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
    markUnreachable()
    throw new ApiError(0, null)
  }
  markAnswered()
  if (response.status === 401 && session.token && path !== '/auth/login') {
    endSession({ expired: true })
  }
  return response
}

function retryAfter(response) {
  const value = Number.parseInt(response.headers?.get?.('Retry-After') ?? '', 10)
  return Number.isFinite(value) && value >= 0 ? value : null
}

async function readJson(response) {
  const text = await response.text()
  if (!text) return null
  try {
    return JSON.parse(text)
  } catch {
    return { detail: text.slice(0, 300) }
  }
}

// `body` is sent as JSON; `raw` (with `contentType`) as it is, e.g. a CSV file.
export async function request(method, path, options = {}) {
  const response = await send(method, path, options)
  const data = await readJson(response)
  if (!response.ok) throw new ApiError(response.status, data, retryAfter(response))
  return data
}

// A list endpoint's every row as CSV (`Accept: text/csv`), saved as a file named by the
// server (Content-Disposition) or `fallbackName`.
export async function downloadCsv(path, query, fallbackName = 'export.csv') {
  const response = await send('GET', path, { query, accept: 'text/csv' })
  if (!response.ok) throw new ApiError(response.status, await readJson(response))
  const blob = await response.blob()
  const disposition = response.headers.get('Content-Disposition') || ''
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] || fallbackName
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = name
  document.body.appendChild(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
  return { name, bytes: blob.size }
}

export const get = (path, query) => request('GET', path, { query })
export const post = (path, body) => request('POST', path, { body })
export const put = (path, body) => request('PUT', path, { body })
export const patch = (path, body) => request('PATCH', path, { body })
export const del = (path, query) => request('DELETE', path, { query })
export const postText = (path, raw, contentType) => request('POST', path, { raw, contentType })
