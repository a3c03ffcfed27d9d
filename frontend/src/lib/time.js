// Dates and times as a Korean customer reads them: Asia/Seoul, whatever the browser's
// zone, formatted for the UI's language ("Mar 3, 2026, 14:05" / "2026. 3. 3. 14:05").
import { intlLocale } from './i18n.js'

export const ZONE = 'Asia/Seoul'

function parts(date, options) {
  const format = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, hourCycle: 'h23', ...options })
  return Object.fromEntries(format.formatToParts(date).map((p) => [p.type, p.value]))
}

// "YYYY-MM-DD" of a moment, in Seoul.
export function seoulDate(date = new Date()) {
  const p = parts(date, { year: 'numeric', month: '2-digit', day: '2-digit' })
  return `${p.year}-${p.month}-${p.day}`
}

// "YYYY-MM-DDTHH:mm", the value of an <input type="datetime-local"> showing Seoul time.
export function seoulLocalInput(date = new Date()) {
  const p = parts(date, { hour: '2-digit', minute: '2-digit' })
  return `${seoulDate(date)}T${p.hour}:${p.minute}`
}

// The datetime-local value (Seoul wall time) as ISO 8601 with the +09:00 offset.
export function seoulIso(localValue) {
  const withSeconds = localValue.length === 16 ? `${localValue}:00` : localValue
  return `${withSeconds}+09:00`
}

const formatters = {}
function formatter(locale, withSeconds, dateOnly) {
  const key = `${locale}|${withSeconds}|${dateOnly}`
  if (!formatters[key]) {
    const options = { timeZone: ZONE, year: 'numeric', day: 'numeric', month: locale === 'en-US' ? 'short' : 'numeric' }
    if (!dateOnly) Object.assign(options, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    if (withSeconds) options.second = '2-digit'
    formatters[key] = new Intl.DateTimeFormat(locale, options)
  }
  return formatters[key]
}

const toDate = (value) => (value instanceof Date ? value : new Date(value))

// A moment in Seoul for the UI's language, or "—" for nothing. `seconds`: true, false,
// or 'auto' (only when not :00). Microseconds are never shown.
export function formatSeoul(value, { seconds = true } = {}) {
  if (!value) return '—'
  const date = toDate(value)
  if (Number.isNaN(date.getTime())) return String(value)
  const showSeconds = seconds === 'auto' ? date.getUTCSeconds() !== 0 : seconds
  return formatter(intlLocale(), showSeconds, false).format(date)
}

// A day ("YYYY-MM-DD", or a moment: its Seoul day) for the UI's language.
export function formatDay(value) {
  if (!value) return '—'
  const date = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T12:00:00+09:00`) : toDate(value)
  if (Number.isNaN(date.getTime())) return String(value)
  return formatter(intlLocale(), false, true).format(date)
}

// "HH:mm" in Seoul.
export function seoulClock(value) {
  const p = parts(toDate(value), { hour: '2-digit', minute: '2-digit' })
  return `${p.hour}:${p.minute}`
}

// A YYYY-MM-DD day plus some days (negative for earlier), as "YYYY-MM-DD".
export function addDays(day, days) {
  const date = new Date(`${day}T00:00:00Z`)
  date.setUTCDate(date.getUTCDate() + days)
  return date.toISOString().slice(0, 10)
}

// Every day from `from` to `to`, both included.
export function daysBetween(from, to) {
  const days = []
  for (let day = from; day <= to && days.length < 3700; day = addDays(day, 1)) days.push(day)
  return days
}

// How long, in the largest whole unit: { unit: 'h'|'min'|'s', value }.
export function duration(seconds) {
  const s = Math.max(0, Math.round(seconds))
  if (s && s % 3600 === 0) return { unit: 'h', value: s / 3600 }
  if (s && s % 60 === 0) return { unit: 'min', value: s / 60 }
  return { unit: 's', value: s }
}
