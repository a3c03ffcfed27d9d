// How numbers, money and statuses read on screen.
const numbers = new Intl.NumberFormat('en-US')

export const count = (value) => (value === null || value === undefined ? '—' : numbers.format(value))
export const won = (value) => (value === null || value === undefined ? '—' : `₩${numbers.format(value)}`)
export const percent = (value, digits = 1) =>
  value === null || value === undefined ? '—' : `${(value * 100).toFixed(digits)}%`

export const STATUS_LABELS = {
  requested: 'Requested',
  scheduled: 'Scheduled',
  sending: 'Sending',
  completed: 'Completed',
  partially_failed: 'Partially failed',
  failed: 'Failed',
  cancelled: 'Cancelled',
  rejected: 'Rejected',
  // messages
  pending: 'Pending',
  submitted: 'Submitted',
  delivered: 'Delivered',
  opted_out: 'Opted out',
}

export const statusLabel = (status) => STATUS_LABELS[status] || status || '—'

// The colour family of a status badge.
export function statusTone(status) {
  if (['completed', 'delivered'].includes(status)) return 'good'
  if (['failed', 'rejected'].includes(status)) return 'bad'
  if (status === 'partially_failed') return 'warn'
  if (['cancelled'].includes(status)) return 'muted'
  if (status === 'opted_out') return 'optout'
  return 'busy'
}

// What a reservation or template is for (the server's `purpose`).
export const PURPOSES = [
  { value: 'normal', label: 'Normal', hint: 'notices, reminders' },
  { value: 'advertising', label: 'Advertising', hint: '(광고) marker, opt-out number, not at night' },
  { value: 'authentication', label: 'Authentication', hint: 'codes; never paused' },
]
export const purposeLabel = (purpose) => PURPOSES.find((p) => p.value === purpose)?.label || purpose || 'Normal'
