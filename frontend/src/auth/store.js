// Logging in and out. The token itself lives in lib/session.js.
import { endSession, session, startSession } from '../lib/session.js'
import * as api from './api.js'

export { session }

export async function logIn(userId, password) {
  const answer = await api.login(userId, password)
  startSession(answer)
  return answer
}

// The token is revoked at the gateway (every replica refuses it within API_KEY_CACHE_S),
// not only forgotten here. The request takes the token with it before the session ends.
export function logOut() {
  const revoked = api.logout().catch(() => {
    // offline or already expired: the session ends here all the same
  })
  endSession()
  return revoked
}
