// The server's error bodies, made ready to show next to form fields.
//
// A 422 is FastAPI's shape: {"detail": [{"loc": ["body", "dstNum", 3], "msg", "input"}]}.
// Field errors are keyed by the camelCase field name; errors of one item of a list
// field (a recipient) carry its index, and `path` the rest of the location inside that
// item (e.g. ["variables", "name"] for ["body", "recipients", 3, "variables", "name"]).

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
    const [where, field, index, ...path] = loc
    if (where !== 'body' || typeof field !== 'string') {
      result.general.push(loc.length ? `${loc.join('.')}: ${message}` : message)
    } else if (typeof index === 'number') {
      result.items[field] ??= []
      result.items[field].push({ index, path, message, input: error.input })
    } else {
      result.fields[field] ??= []
      result.fields[field].push(message)
    }
  }
  return result
}

// "variables.name: missing" for an item error, the plain message for one without a path.
export function itemMessage(error) {
  return error.path?.length ? `${error.path.join('.')}: ${error.message}` : error.message
}

// Each error of a body as its own line ("numbers.3: not a phone number"; a file's
// ["body", 3] as "line 3: ..."), for lists; `errorCount` says how many more there were.
export function detailLines(status, body) {
  const detail = body?.detail
  if (!Array.isArray(detail) || !detail.length) return [describe(status, body)]
  const lines = detail.map((e) => {
    const loc = (e.loc || []).filter((part) => part !== 'body' && part !== 'query')
    const message = cleanMessage(e.msg)
    if (loc.length === 1 && typeof loc[0] === 'number') {
      return /^line \d+/i.test(message) ? message : `line ${loc[0]}: ${message}`
    }
    return (loc.length ? `${loc.join('.')}: ` : '') + message
  })
  if (typeof body.errorCount === 'number' && body.errorCount > lines.length) {
    lines.push(`… ${body.errorCount - lines.length} more errors`)
  }
  return lines
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

export const noErrors = () => ({ fields: {}, items: {}, general: [] })

// What a form shows for a failed call: a 422's (or 400's) errors by field, else the
// call's one-line message on top of the form.
export function formErrors(error) {
  const parsed = error?.status === 422 || error?.status === 400 ? fieldErrors(error.body) : null
  if (parsed && (Object.keys(parsed.fields).length || Object.keys(parsed.items).length || parsed.general.length)) {
    return parsed
  }
  return { ...noErrors(), general: [error?.message || String(error)] }
}
