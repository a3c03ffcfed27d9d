// How numbers, money, rates, statuses and phone numbers read on screen, in the UI's
// language: one thousands format everywhere (Intl), won as ₩1,000 or 1,000원.
import { currentLocale, intlLocale, t, te } from './i18n.js'

const formats = {}
const numberFormat = () => (formats[intlLocale()] ??= new Intl.NumberFormat(intlLocale()))

export const count = (value) => (value === null || value === undefined ? '—' : numberFormat().format(value))

export function won(value) {
  if (value === null || value === undefined) return '—'
  const amount = numberFormat().format(value)
  return currentLocale() === 'ko' ? `${amount}원` : `₩${amount}`
}

// A change of a balance with its sign: "+₩1,000", "−₩1,000", "₩0".
export function signedWon(delta) {
  if (delta === null || delta === undefined) return '—'
  if (delta === 0) return won(0)
  return `${delta > 0 ? '+' : '−'}${won(Math.abs(delta))}`
}

export const percent = (value, digits = 1) =>
  value === null || value === undefined ? '—' : `${(value * 100).toFixed(digits)}%`

// delivered / (delivered + failed), never rounded up to 100% while one failed nor down
// to 0% while one was delivered ("99.9%" beside "Failed 3", not "100.0%").
export function successRate(delivered, failed, digits = 1) {
  const sent = (delivered || 0) + (failed || 0)
  if (!sent) return '—'
  const scale = 10 ** digits
  let shown = (delivered / sent) * 100
  shown = failed ? Math.floor(shown * scale) / scale : shown
  if (delivered && shown === 0) shown = 1 / scale
  if (failed && shown >= 100) shown = 100 - 1 / scale
  return `${shown.toFixed(digits)}%`
}

export const STATUSES = [
  'requested',
  'scheduled',
  'sending',
  'completed',
  'partially_failed',
  'failed',
  'cancelled',
  'rejected',
]
export const MESSAGE_STATUSES = ['pending', 'submitted', 'delivered', 'failed', 'cancelled', 'opted_out']

export const statusLabel = (status) => (status && te(`status.${status}`) ? t(`status.${status}`) : status || '—')

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
export const PURPOSE_VALUES = ['normal', 'advertising', 'authentication']
export const purposeLabel = (purpose) => t(`purpose.${PURPOSE_VALUES.includes(purpose) ? purpose : 'normal'}`)
export const purposeHint = (purpose) => t(`purpose.hint.${purpose}`)

// A stored (E.164) number as Koreans write it: +821012345678 -> 010-1234-5678; Seoul
// landlines 02-123-4567 / 02-1234-5678, other areas 031-123-4567; anything else as is.
export function koreanNumber(e164) {
  const text = String(e164 ?? '')
  const match = /^\+82(\d+)$/.exec(text)
  if (!match) return text
  const national = `0${match[1]}`
  if (/^01\d{8,9}$/.test(national)) {
    return national.length === 11
      ? `${national.slice(0, 3)}-${national.slice(3, 7)}-${national.slice(7)}`
      : `${national.slice(0, 3)}-${national.slice(3, 6)}-${national.slice(6)}`
  }
  if (/^02\d{7,8}$/.test(national)) {
    const rest = national.slice(2)
    const split = rest.length - 4
    return `02-${rest.slice(0, split)}-${rest.slice(split)}`
  }
  if (/^0\d{2}\d{7,8}$/.test(national)) {
    const rest = national.slice(3)
    const split = rest.length - 4
    return `${national.slice(0, 3)}-${rest.slice(0, split)}-${rest.slice(split)}`
  }
  return text
}

// A callback number as stored (national digits, e.g. 0212345678 or 15881234), dashed.
export function callbackNumber(digits) {
  const text = String(digits ?? '')
  if (/^1[5-9]\d{6}$/.test(text)) return `${text.slice(0, 4)}-${text.slice(4)}`
  if (/^0\d{8,10}$/.test(text)) return koreanNumber(`+82${text.slice(1)}`)
  return text
}

// What a result code means, in the UI's language; the code itself when unknown.
export function resultMeaning(code) {
  if (!code) return ''
  if (te(`codes.${code}`)) return t(`codes.${code}`)
  if (/^1\d{3}$/.test(code)) return t('codes.rejectedOther')
  if (/^3\d{3}$/.test(code)) return t('codes.failedOther')
  return ''
}
