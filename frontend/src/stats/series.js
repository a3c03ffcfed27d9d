// The daily history as one point a day over the whole range (days without data are 0).
import { daysBetween } from '../lib/time.js'

export function dailySeries(history, from, to) {
  const byDay = Object.fromEntries((history || []).map((day) => [day.date, day]))
  return daysBetween(from, to).map((date) => {
    const day = byDay[date] || {}
    const delivered = day.delivered || 0
    const failed = day.failed || 0
    const sent = delivered + failed
    return { date, delivered, failed, rate: sent ? delivered / sent : null }
  })
}

// A round upper bound for a chart's axis of counts, and its ticks (whole numbers).
export function axis(max, ticks = 4) {
  if (max <= 0) return { top: ticks, values: [...Array(ticks + 1).keys()] }
  const rough = max / ticks
  const magnitude = 10 ** Math.floor(Math.log10(rough))
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough))
  const top = step * Math.ceil(max / step)
  return { top, values: Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step) }
}
