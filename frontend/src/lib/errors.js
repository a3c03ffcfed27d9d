// The server's error bodies, in the customer's words and language.
//
// A 422 is FastAPI's shape: {"detail": [{loc, msg, type, ctx?, input}]}. Each error is
// said from its `type` (and `ctx`: limits, the earliest accepted time...) when the
// console knows it, else as the server wrote it. Field errors are keyed by the camelCase
// field name; errors of one item of a list field (a recipient) carry its index, and
// `path` the rest of the location inside that item (["variables", "name"]).
import { won } from './format.js'
import { t, te } from './i18n.js'
import { duration, formatSeoul } from './time.js'

function cleanMessage(msg) {
  return String(msg ?? '').replace(/^Value error, /, '')
}

const when = (iso) => (iso ? formatSeoul(iso, { seconds: false }) : '')

function lead(seconds) {
  const { unit, value } = duration(seconds || 0)
  return t(`units.${unit}`, { n: value }, value)
}

// How long to wait, rounded up to what a person reads: seconds, minutes, hours.
function waitFor(seconds) {
  const s = Math.max(1, Math.ceil(seconds))
  if (s < 120) return t('units.s', { n: s }, s)
  if (s < 7200) return t('units.min', { n: Math.ceil(s / 60) }, Math.ceil(s / 60))
  return t('units.h', { n: Math.ceil(s / 3600) }, Math.ceil(s / 3600))
}

// The error types said the same way every time (nothing of the error in the message).
const SAID_AS = {
  missing: 'errors.missing',
  title_variables: 'errors.titleVariables',
  callback_number: 'errors.callbackNumber',
  phone_number: 'errors.phoneNumber',
  no_recipients: 'errors.noRecipients',
  date_invalid: 'errors.dateInvalid',
  period_reversed: 'errors.periodReversed',
  sender_not_verified: 'errors.senderNotVerified',
}

// One error of a 422 body, said for the customer.
export function sayError(error) {
  const type = error?.type
  const ctx = error?.ctx || {}
  if (Object.hasOwn(SAID_AS, type)) return t(SAID_AS[type])
  switch (type) {
    case 'string_too_short':
      return (ctx.min_length ?? 1) <= 1 ? t('errors.missing') : t('errors.tooShort', { n: ctx.min_length })
    case 'string_too_long':
      return t('errors.tooLong', { n: ctx.max_length })
    case 'too_short':
      return t('errors.tooFew', { n: ctx.min_length ?? 1 })
    case 'too_long':
      return ctx.max_length ? t('errors.tooMany', { n: ctx.max_length }) : cleanMessage(error.msg)
    case 'reserve_in_past':
      return t('errors.reserveInPast', { earliest: when(ctx.earliest) })
    case 'reserve_too_soon':
      return t('errors.reserveTooSoon', { lead: lead(ctx.leadS), earliest: when(ctx.earliest) })
    case 'reserve_too_far':
      return t('errors.reserveTooFar', { latest: when(ctx.latest) })
    case 'advertising_hours':
      return ctx.earliest
        ? t('errors.adHours', { hours: ctx.hours, earliest: when(ctx.earliest) })
        : t('errors.adHoursNever', { hours: ctx.hours })
    case 'advertising_content': {
      const missing = []
      if (ctx.missingMarker) missing.push(t('errors.adMarker', { marker: ctx.marker || '(광고)' }))
      if (ctx.missingOptOut) missing.push(t('errors.adOptOut'))
      return missing.length ? missing.join(' ') : cleanMessage(error.msg)
    }
    case 'title_too_long':
      return t('errors.titleTooLong', { n: ctx.maxBytes })
    case 'wrong_code': {
      // The tries left: from ctx when the server gives it, else from its message.
      const said = /(\d+) attempts? left/.exec(String(error.msg ?? ''))
      const left = Number.isInteger(ctx.attemptsLeft) ? ctx.attemptsLeft : said ? Number(said[1]) : null
      return left === null ? t('errors.wrongCodeOnly') : t('errors.wrongCode', { n: left }, left)
    }
    case 'string_pattern_mismatch':
      return ctx.pattern === '^[0-9]{6}$' ? t('errors.sixDigits') : cleanMessage(error.msg)
    default:
      return cleanMessage(error?.msg)
  }
}

const fieldName = (name) => (te(`fields.${name}`) ? t(`fields.${name}`) : name)

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
    const message = sayError(error)
    const [where, field, index, ...path] = loc
    if (where !== 'body' || typeof field !== 'string') {
      const named = loc.filter((part) => part !== 'body' && part !== 'query').map(fieldName)
      result.general.push(named.length ? `${named.join(' · ')}: ${message}` : message)
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
    const message = sayError(e)
    if (loc.length === 1 && typeof loc[0] === 'number') {
      return /^line \d+/i.test(message) ? message : t('errors.line', { n: loc[0], message })
    }
    return (loc.length ? `${loc.join('.')}: ` : '') + message
  })
  if (typeof body.errorCount === 'number' && body.errorCount > lines.length) {
    lines.push(t('errors.more', { n: body.errorCount - lines.length }))
  }
  return lines
}

// The 409 codes of sender numbers (POST /senders and its verification), each said.
const SENDER_CONFLICTS = {
  sender_exists: 'senderExists',
  already_verified: 'alreadyVerified',
  too_many_codes: 'tooManyCodes',
  no_code: 'noCode',
  code_expired: 'codeExpired',
  too_many_attempts: 'tooManyAttempts',
}

// One line for a failed call, for the places that show a single message; `retryAfter`
// a 429's Retry-After (seconds).
export function describe(status, body, retryAfter = null) {
  if (status === 0) return t('errors.unreachable')
  if (status === 402 && typeof body?.required === 'number') {
    return t('errors.balance', { available: won(body.available), required: won(body.required) })
  }
  if (status === 409 && body?.code === 'cancel_cutoff') {
    return t('errors.cancelCutoff', { until: when(body.cancellableUntil), due: when(body.reserveDt) })
  }
  if (status === 409 && body?.code === 'illegal_transition') {
    return t('errors.illegalTransition', { status: te(`status.${body.status}`) ? t(`status.${body.status}`) : body.status })
  }
  if (status === 409 && SENDER_CONFLICTS[body?.code]) return t(`errors.${SENDER_CONFLICTS[body.code]}`)
  if (status === 429 && typeof body?.quota === 'number') return t('errors.quota', { quota: body.quota })
  if (status === 429 && typeof retryAfter === 'number' && retryAfter > 0) return t('errors.retryIn', { wait: waitFor(retryAfter) })
  const detail = body?.detail
  if (typeof detail === 'string') return detail
  if (Array.isArray(detail) && detail.length) {
    return detail
      .map((e) => {
        const loc = (e.loc || []).filter((part) => part !== 'body' && part !== 'query').map(fieldName)
        return (loc.length ? `${loc.join(' · ')}: ` : '') + sayError(e)
      })
      .join('; ')
  }
  if (status === 401) return t('errors.session')
  if (status === 403) return t('errors.forbidden')
  if (status === 404) return t('errors.notFound')
  if (status === 429) return t('errors.tooFast')
  if (status >= 500) return t('errors.server', { status })
  return t('errors.failed', { status })
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

export const hasErrors = (errors) =>
  Boolean(errors && (errors.general.length || Object.keys(errors.fields).length || Object.keys(errors.items).length))

// Whether a failed call's 422 names `field` (of the body) with an error of `type`, e.g.
// a callbackNum that is not a verified sender number.
export const hasErrorType = (error, field, type) =>
  Array.isArray(error?.body?.detail) &&
  error.body.detail.some((e) => e?.type === type && Array.isArray(e.loc) && e.loc[0] === 'body' && e.loc[1] === field)
