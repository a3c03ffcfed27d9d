// Who is logged in: the access token and who it belongs to, kept in localStorage so a
// reload keeps the session. Nothing here calls the server (see auth/store.js).
import { reactive } from 'vue'

const KEY = 'msgplat.session'

function load() {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) || 'null')
    if (saved && saved.token && (!saved.expiresAt || saved.expiresAt > Date.now())) return saved
  } catch {
    // a corrupt entry is a logged-out session
  }
  return { token: null, userId: null, role: null, expiresAt: null }
}

const ACTING = 'msgplat.actingFor'
function loadActing() {
  try {
    return sessionStorage.getItem(ACTING) || null
  } catch {
    return null
  }
}

// `actingFor`: the customer an operator is looking at ("any customer's view"): every
// call then names them (lib/http.js).
export const session = reactive({ ...load(), expired: false, actingFor: loadActing() })

export function actFor(userId) {
  session.actingFor = userId || null
  try {
    if (userId) sessionStorage.setItem(ACTING, userId)
    else sessionStorage.removeItem(ACTING)
  } catch {
    // private mode: for this page only
  }
}

export function startSession({ accessToken, userId, role, expiresIn }) {
  session.token = accessToken
  session.userId = userId
  session.role = role
  session.expiresAt = expiresIn ? Date.now() + expiresIn * 1000 : null
  session.expired = false
  localStorage.setItem(
    KEY,
    JSON.stringify({ token: accessToken, userId, role, expiresAt: session.expiresAt }),
  )
}

export function endSession({ expired = false } = {}) {
  session.token = null
  session.userId = null
  session.role = null
  session.expiresAt = null
  session.expired = expired
  localStorage.removeItem(KEY)
  actFor(null)
}
