// Logging in and out. The token itself lives in lib/session.js.
import { endSession, session, startSession } from '../lib/session.js'
import * as api from './api.js'

export { session }

export async function logIn(userId, password) {
  const answer = await api.login(userId, password)
  startSession(answer)
  return answer
}

export function logOut() {
  endSession()
}
