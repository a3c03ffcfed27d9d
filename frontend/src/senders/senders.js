// What a sender number's state means for the customer, and the code they type: no I/O,
// so that the page only shows what these say.
import { callbackNumber } from '../lib/format.js'

export const CODE_DIGITS = 6

// Where a sender stands, from the server's fields:
// - verified: usable as a callback number;
// - code: a code is outstanding (sent, not expired, attempts left): enter it;
// - codeFailed: the carrier could not deliver the last code: a new one, or an operator;
// - codeSpent: the code expired or its attempts are used: ask for a new one;
// - awaiting: no code asked for (verifyBy operator): an operator approves it.
export function senderState(sender, now = new Date()) {
  if (!sender) return 'awaiting'
  if (sender.status === 'verified') return 'verified'
  if (!sender.codeExpiresAt) return 'awaiting'
  if (sender.codeDelivery === 'failed') return 'codeFailed'
  if (new Date(sender.codeExpiresAt) <= now || (sender.attemptsLeft ?? 0) <= 0) return 'codeSpent'
  return 'code'
}

// States in which the code may be typed and a new code asked for.
export const takesCode = (state) => state === 'code'
export const mayResend = (state) => state !== 'verified'

// The code as typed ("123 456", "123-456") as the six digits the server takes.
export const cleanCode = (typed) => String(typed ?? '').replace(/[\s-]/g, '')

// Why a typed code cannot be right, before asking the server: 'missing' or 'sixDigits'
// (null: it may be).
export function codeProblem(typed) {
  const code = cleanCode(typed)
  if (!code) return 'missing'
  return new RegExp(`^\\d{${CODE_DIGITS}}$`).test(code) ? null : 'sixDigits'
}

// A sender's number as Koreans write it (02-1234-5678, 1588-1234).
export const senderNumber = (sender) => callbackNumber(sender?.number)
