// Which of two views of one reservation is the newer: the higher `version` (the read
// model's counter), else the later `updatedAt`. Pure, for the live store and its tests.
export function isNewer(candidate, current) {
  if (!current) return true
  const a = candidate.version
  const b = current.version
  if (typeof a === 'number' && typeof b === 'number' && a !== b) return a > b
  if (typeof a === 'number' && typeof b !== 'number') return true
  if (typeof a !== 'number' && typeof b === 'number') return false
  return String(candidate.updatedAt || '') >= String(current.updatedAt || '')
}

// Progress 0..1: the server's, else finished messages over recipients.
export function progressOf(view) {
  if (typeof view.progress === 'number') return Math.max(0, Math.min(1, view.progress))
  const total = view.recipientCount || 0
  if (!total) return ['completed', 'partially_failed', 'failed'].includes(view.status) ? 1 : 0
  const done =
    (view.deliveredCount || 0) + (view.failedCount || 0) + (view.cancelledCount || 0) + (view.optedOutCount || 0)
  return Math.min(1, done / total)
}

export const TERMINAL = ['completed', 'partially_failed', 'failed', 'cancelled', 'rejected']
export const isFinished = (view) => TERMINAL.includes(view?.status)

// The failed, cancelled and opted-out shares of the recipients, for the progress bar.
export function sharesOf(view) {
  const total = view.recipientCount || 0
  if (!total) return { failed: 0, cancelled: 0, optedOut: 0 }
  return {
    failed: (view.failedCount || 0) / total,
    cancelled: (view.cancelledCount || 0) / total,
    optedOut: (view.optedOutCount || 0) / total,
  }
}

// Sending stopped outside the allowed hours (advertising hours or the customer's
// windows): the server sets `pausedUntil` (null when no window opens again) and
// `pauseReason`, and clears both when sending goes on.
export const isPaused = (view) => Boolean(view && (view.pausedUntil || view.pauseReason) && !isFinished(view))
