// Sending windows as a customer reads and edits them: days of the week, hours, a zone.
export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']
export const DAY_LABELS = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' }

// "Mon–Fri", "Mon, Wed, Sat–Sun", "Every day" for a set of days (any order).
export function describeDays(days) {
  const chosen = DAYS.filter((day) => days.includes(day))
  if (chosen.length === 7) return 'Every day'
  if (!chosen.length) return 'No day'
  const runs = []
  for (const day of chosen) {
    const last = runs[runs.length - 1]
    if (last && DAYS.indexOf(day) === DAYS.indexOf(last[last.length - 1]) + 1) last.push(day)
    else runs.push([day])
  }
  return runs
    .map((run) => (run.length > 2 ? `${DAY_LABELS[run[0]]}–${DAY_LABELS[run[run.length - 1]]}` : run.map((d) => DAY_LABELS[d]).join(', ')))
    .join(', ')
}

// "Mon–Fri 09:00–18:00" for one window; one ending at or before its start runs past midnight.
export function describeWindow({ days, start, end }) {
  const overnight = end && start && end <= start && end !== '00:00'
  return `${describeDays(days || [])} ${start}–${end}${overnight ? ' (next day)' : ''}`
}

export const newWindow = () => ({ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '18:00' })
