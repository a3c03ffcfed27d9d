// Dates and times as a Korean customer reads them: Asia/Seoul, whatever the browser's zone.
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

// "2026-11-02 14:05:09" in Seoul, or "—" for nothing. `seconds`: true, false, or
// 'auto' (only when not :00).
export function formatSeoul(value, { seconds = true } = {}) {
  if (!value) return '—'
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) return String(value)
  const p = parts(date, { hour: '2-digit', minute: '2-digit', second: '2-digit' })
  const showSeconds = seconds === 'auto' ? p.second !== '00' : seconds
  return `${seoulDate(date)} ${p.hour}:${p.minute}${showSeconds ? `:${p.second}` : ''}`
}

// A "YYYY-MM-DD" day plus some days (negative for earlier), as "YYYY-MM-DD".
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
