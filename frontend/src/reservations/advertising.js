// Advertising messages (Korean law, checked again by the server): the content starts with
// the marker `(광고)` and carries a free opt-out number (an 080 number, "무료거부
// 080-123-4567"); they may not be sent at night (21:00-08:00 Seoul). Pure helpers for
// the form's hints and one-click fixes.

export const AD_MARKER = '(광고)'
export const OPT_OUT_LABEL = '무료거부'
export const QUIET_HOURS = { from: '21:00', to: '08:00' } // Asia/Seoul

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

// What an advertising content still lacks, as short phrases for a hint.
export function adProblems(content) {
  const problems = []
  if (!hasAdMarker(content)) problems.push(`it must start with ${AD_MARKER}`)
  if (!hasOptOutNumber(content)) problems.push(`it must carry a free opt-out number (${OPT_OUT_LABEL} 080-…)`)
  return problems
}

function seoulMinutes(date) {
  const format = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Seoul', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
  const [hour, minute] = format.format(date).split(':').map(Number)
  return hour * 60 + minute
}

const minutesOf = (hhmm) => {
  const [hour, minute] = hhmm.split(':').map(Number)
  return hour * 60 + minute
}

// Whether a moment falls in the night hours when advertising may not be sent (Seoul).
export function inQuietHours(date) {
  const at = seoulMinutes(date)
  return at >= minutesOf(QUIET_HOURS.from) || at < minutesOf(QUIET_HOURS.to)
}
