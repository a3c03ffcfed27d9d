// Where a sender number stands, and the code as typed: what the page shows and checks.
import { afterEach, expect, test, vi } from 'vitest'
import { actFor, session } from '../lib/session.js'
import { approveSender, registerSender, verifySender } from './api.js'
import { cleanCode, codeProblem, mayResend, senderNumber, senderState, takesCode } from './senders.js'

const NOW = new Date('2026-12-04T10:00:00Z')
const pending = (fields = {}) => ({ id: 's-1', number: '0212345678', status: 'pending', attemptsLeft: 0, ...fields })
const later = '2026-12-04T10:05:00Z'
const earlier = '2026-12-04T09:55:00Z'

test('a sender is verified, waits for its code, for a new code, or for an operator', () => {
  expect(senderState(pending({ status: 'verified', method: 'code' }), NOW)).toBe('verified')
  expect(senderState(pending({ codeExpiresAt: later, attemptsLeft: 5, codeDelivery: 'sending' }), NOW)).toBe('code')
  expect(senderState(pending({ codeExpiresAt: later, attemptsLeft: 1, codeDelivery: 'delivered' }), NOW)).toBe('code')
  expect(senderState(pending({ codeExpiresAt: later, attemptsLeft: 5, codeDelivery: 'failed' }), NOW)).toBe('codeFailed')
  expect(senderState(pending({ codeExpiresAt: earlier, attemptsLeft: 5 }), NOW)).toBe('codeSpent')
  expect(senderState(pending({ codeExpiresAt: later, attemptsLeft: 0 }), NOW)).toBe('codeSpent')
  expect(senderState(pending(), NOW)).toBe('awaiting') // verifyBy operator: no code asked for
  expect(takesCode('code')).toBe(true)
  expect(takesCode('codeSpent')).toBe(false)
  expect(mayResend('awaiting')).toBe(true)
  expect(mayResend('verified')).toBe(false)
})

test('a code is six digits, however it was typed', () => {
  expect(cleanCode(' 123 456 ')).toBe('123456')
  expect(cleanCode('123-456')).toBe('123456')
  expect(codeProblem('123 456')).toBe(null)
  expect(codeProblem('')).toBe('missing')
  expect(codeProblem('  ')).toBe('missing')
  expect(codeProblem('12345')).toBe('sixDigits')
  expect(codeProblem('12345a')).toBe('sixDigits')
})

test('numbers read as Koreans write them', () => {
  expect(senderNumber({ number: '0212345678' })).toBe('02-1234-5678')
  expect(senderNumber({ number: '01077500001' })).toBe('010-7750-0001')
  expect(senderNumber({ number: '15881234' })).toBe('1588-1234')
})

afterEach(() => {
  actFor(null)
  Object.assign(session, { token: null, role: null, userId: null })
  vi.unstubAllGlobals()
})

test('an operator acting for a customer names them when registering, not when verifying or approving', async () => {
  const calls = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url, init) => {
      calls.push({ url, body: init.body ? JSON.parse(init.body) : undefined })
      return { ok: true, status: 200, text: async () => '{}', headers: new Headers() }
    }),
  )
  Object.assign(session, { token: 't', role: 'operator', userId: 'ops' })
  actFor('acme')
  await registerSender('02-1234-5678')
  await verifySender('s-1', '123456')
  await approveSender('s-1', 'subscription certificate')
  expect(calls[0]).toEqual({ url: '/senders', body: { number: '02-1234-5678', verifyBy: 'code', userId: 'acme' } })
  expect(calls[1]).toEqual({ url: '/senders/s-1/verify', body: { code: '123456' } }) // a strict body: no userId
  expect(calls[2]).toEqual({ url: '/senders/s-1/approve', body: { note: 'subscription certificate' } })
})
