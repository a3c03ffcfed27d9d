// The server's error bodies, made ready to show next to form fields.
//
// A 422 is FastAPI's shape: {"detail": [{"loc": ["body", "dstNum", 3], "msg", "input"}]}.
// Field errors are keyed by the camelCase field name; errors of one item of a list
// field (a recipient) carry its index.

function cleanMessage(msg) {
  return String(msg ?? '').replace(/^Value error, /, '')
}

export function fieldErrors(body) {
  const result = { fields: {}, items: {}, general: [] }
  const detail = body?.detail
  if (typeof detail === 'string') {
    result.general.push(detail)
    return result
  }
  if (!Array.isArray(detail)) return result
  for (const error of detail) {
    const loc = Array.isArray(error.loc) ? error.loc : []
    const message = cleanMessage(error.msg)
    const [where, field, index] = loc
    if (where !== 'body' || typeof field !== 'string') {
      result.general.push(loc.length ? `${loc.join('.')}: ${message}` : message)
    } else if (typeof index === 'number') {
      result.items[field] ??= []
      result.items[field].push({ index, message, input: error.input })
    } else {
      result.fields[field] ??= []
      result.fields[field].push(message)
    }
  }
  return result
}

// One line for a failed call, for the places that show a single message.
export function describe(status, body) {
  if (status === 0) return 'The server cannot be reached. Check the connection and try again.'
  const detail = body?.detail
  if (typeof detail === 'string') return detail
  if (Array.isArray(detail) && detail.length) {
    return detail
      .map((e) => {
        const loc = (e.loc || []).filter((part) => part !== 'body' && part !== 'query')
        return (loc.length ? `${loc.join('.')}: ` : '') + cleanMessage(e.msg)
      })
      .join('; ')
  }
  if (status === 401) return 'Your session has ended. Please log in again.'
  if (status === 403) return 'You are not allowed to do that.'
  if (status === 404) return 'Not found.'
  if (status >= 500) return `The server had a problem (${status}). Try again in a moment.`
  return `The request failed (${status}).`
}
