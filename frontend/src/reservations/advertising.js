// Advertising messages (Korean law, checked again by the server): the content starts with
// the marker `(광고)` and carries a free opt-out number (an 080 number, "무료거부
// 080-123-4567"); they may only be sent in the advertising hours, which are the
// server's setting (AD_SENDING_HOURS, read from `GET /msgReqs/rules`; 08:00-21:00 Seoul
// by default). Pure helpers for the form's hints and one-click fixes.

export const AD_MARKER = '(광고)'
export const OPT_OUT_LABEL = '무료거부'
// The default advertising hours, until the server's rules are read.
export const DEFAULT_AD_HOURS = { hours: '08:00-21:00', timeZone: 'Asia/Seoul' }

// "08:00-21:00" as { from: '08:00', to: '21:00' } (the hours advertising may be sent).
export function parseHours(text) {
  const match = /^\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$/.exec(String(text ?? ''))
  if (!match) return null
  const pad = (hhmm) => hhmm.padStart(5, '0')
  return { from: pad(match[1]), to: pad(match[2]) }
}

const OPT_OUT_NUMBER = /(?<!\d)080[-. ]?\d{3,4}[-. ]?\d{4}(?!\d)/ // as the server reads it
const OPT_OUT_LINE = new RegExp(`^[ \\t]*${OPT_OUT_LABEL}[ \\t:]*080[-\\s.\\d]*$`, 'm')

export const hasAdMarker = (content) => String(content ?? '').trimStart().startsWith(AD_MARKER)
export const hasOptOutNumber = (content) => OPT_OUT_NUMBER.test(String(content ?? ''))

// The content with the marker at its very start (once), a space before the text.
export function insertAdMarker(content) {
  const text = String(content ?? '')
  if (hasAdMarker(text)) return text
  const rest = text.replace(/^\s+/, '')
  return rest ? `${AD_MARKER} ${rest}` : `${AD_MARKER} `
}

// "080-123-4567" / "080-1234-5678" from what was typed, or null if it is no 080 number.
export function formatOptOutNumber(input) {
  const digits = String(input ?? '').replace(/\D/g, '')
  if (!digits.startsWith('080')) return null
  if (digits.length === 10) return `080-${digits.slice(3, 6)}-${digits.slice(6)}`
  if (digits.length === 11) return `080-${digits.slice(3, 7)}-${digits.slice(7)}`
  return null
}

export const optOutLine = (number) => `${OPT_OUT_LABEL} ${formatOptOutNumber(number)}`

// The content with the opt-out line: an existing "무료거부 080..." line is replaced,
// else the line goes at the end, on its own line. Throws on a number that is not 080.
export function insertOptOutLine(content, number) {
  if (!formatOptOutNumber(number)) throw new Error('An opt-out number is a free 080 number, e.g. 080-123-4567.')
  const line = optOutLine(number)
  const text = String(content ?? '')
  if (OPT_OUT_LINE.test(text)) return text.replace(OPT_OUT_LINE, line)
  const body = text.replace(/\s+$/, '')
  return body ? `${body}\n${line}` : line
}

// What an advertising content still lacks: 'marker' and/or 'optOut' (the form words them).
export function adProblems(content) {
  const problems = []
  if (!hasAdMarker(content)) problems.push('marker')
  if (!hasOptOutNumber(content)) problems.push('optOut')
  return problems
}

function minutesIn(date, timeZone) {
  const format = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
  const [hour, minute] = format.format(date).split(':').map(Number)
  return hour * 60 + minute
}

const minutesOf = (hhmm) => {
  const [hour, minute] = hhmm.split(':').map(Number)
  return hour * 60 + minute
}

// Whether a moment falls outside the advertising hours (`rules`: the server's
// { hours: 'HH:MM-HH:MM', timeZone }), when advertising may not be sent.
export function inQuietHours(date, rules = DEFAULT_AD_HOURS) {
  const open = parseHours(rules.hours) || parseHours(DEFAULT_AD_HOURS.hours)
  const at = minutesIn(date, rules.timeZone || 'Asia/Seoul')
  const from = minutesOf(open.from)
  const to = minutesOf(open.to)
  const inside = from <= to ? at >= from && at < to : at >= from || at < to
  return !inside
}
