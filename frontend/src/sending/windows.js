// Sending windows as a customer reads and edits them: days of the week, hours, a zone.
import { t } from '../lib/i18n.js'

export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']
export const dayLabel = (day) => t(`days.${day}`)

// "Mon–Fri", "Mon, Wed, Sat–Sun", "Every day" for a set of days (any order).
export function describeDays(days) {
  const chosen = DAYS.filter((day) => days.includes(day))
  if (chosen.length === 7) return t('days.every')
  if (!chosen.length) return t('days.none')
  const runs = []
  for (const day of chosen) {
    const last = runs[runs.length - 1]
    if (last && DAYS.indexOf(day) === DAYS.indexOf(last[last.length - 1]) + 1) last.push(day)
    else runs.push([day])
  }
  return runs
    .map((run) => (run.length > 2 ? `${dayLabel(run[0])}–${dayLabel(run[run.length - 1])}` : run.map(dayLabel).join(', ')))
    .join(', ')
}

// "Mon–Fri 09:00–18:00" for one window; one ending at or before its start runs past midnight.
export function describeWindow({ days, start, end }) {
  const overnight = end && start && end <= start && end !== '00:00'
  return `${describeDays(days || [])} ${start}–${end}${overnight ? ` ${t('days.nextDay')}` : ''}`
}

export const newWindow = () => ({ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '18:00' })
