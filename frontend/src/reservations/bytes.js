// Carrier bytes: what Korean carriers count, EUC-KR (its superset CP949, as the server
// counts with Python's "cp949"): ASCII is 1 byte, every other sendable character 2.
// Which characters are sendable is read off the browser's own EUC-KR decoder (WHATWG
// "euc-kr" is CP949), once, the first time a non-ASCII character is seen.

export const SMS_MAX_BYTES = 90
export const LMS_MAX_BYTES = 2000
export const TITLE_MAX_BYTES = 40

let sendable = null

function cp949Characters() {
  if (sendable) return sendable
  sendable = new Set()
  const decoder = new TextDecoder('euc-kr', { fatal: true })
  const pair = new Uint8Array(2)
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x41; trail <= 0xfe; trail++) {
      pair[0] = lead
      pair[1] = trail
      try {
        const text = decoder.decode(pair)
        if (text.length === 1) sendable.add(text)
      } catch {
        // not a character of CP949
      }
    }
  }
  return sendable
}

// { bytes, unsendable: [characters the carriers cannot send] }
export function carrierBytes(text) {
  let bytes = 0
  const unsendable = []
  for (const char of text) {
    const code = char.codePointAt(0)
    if (code < 0x80) {
      bytes += 1
    } else if (cp949Characters().has(char)) {
      bytes += 2
    } else {
      bytes += 2
      if (!unsendable.includes(char)) unsendable.push(char)
    }
  }
  return { bytes, unsendable }
}

// "SMS" up to 90 bytes, "LMS" up to 2,000, null beyond (the server refuses it).
export function messageType(bytes) {
  if (bytes <= SMS_MAX_BYTES) return 'SMS'
  if (bytes <= LMS_MAX_BYTES) return 'LMS'
  return null
}
