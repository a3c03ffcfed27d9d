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
}

export const statusLabel = (status) => STATUS_LABELS[status] || status || '—'

// The colour family of a status badge.
export function statusTone(status) {
  if (['completed', 'delivered'].includes(status)) return 'good'
  if (['failed', 'rejected'].includes(status)) return 'bad'
  if (status === 'partially_failed') return 'warn'
  if (['cancelled'].includes(status)) return 'muted'
  return 'busy'
}
