// The rules a reservation is held to, as the server has them (`GET /msgReqs/rules`):
// the lead time, the cancel cut-off, the horizon, the advertising hours. Read once per
// visit; the console shows and checks these, never a copy of its own.
import { reactive } from 'vue'
import { DEFAULT_AD_HOURS } from './advertising.js'
import { getRules } from './api.js'

export const rules = reactive({
  loaded: false,
  error: '',
  minLeadS: 600,
  cancelCutoffS: 300,
  horizonDays: 90,
  maxRecipients: 100_000,
  advertising: { ...DEFAULT_AD_HOURS },
  skewMs: 0, // the server's clock less this browser's
})

let loading = null

export function loadRules() {
  loading ??= getRules()
    .then((answer) => {
      Object.assign(rules, {
        loaded: true,
        error: '',
        minLeadS: answer.minLeadS,
        cancelCutoffS: answer.cancelCutoffS,
        horizonDays: answer.horizonDays,
        maxRecipients: answer.maxRecipients,
        advertising: answer.advertising,
        skewMs: new Date(answer.now).getTime() - Date.now(),
      })
      return rules
    })
    .catch((e) => {
      rules.error = e.message
      loading = null
      return rules
    })
  return loading
}

export const serverNow = () => new Date(Date.now() + rules.skewMs)

// The earliest reserved time accepted now: the server's now + the lead time, up to the
// next whole minute (a datetime-local input has minutes).
export function earliestReserve() {
  const at = serverNow().getTime() + rules.minLeadS * 1000
  return new Date(Math.ceil(at / 60_000) * 60_000)
}

export function latestReserve() {
  return new Date(serverNow().getTime() + rules.horizonDays * 86_400_000)
}

// Until when a reservation due at `reserveDt` can still be cancelled or rescheduled.
export const changeableUntil = (reserveDt) => new Date(new Date(reserveDt).getTime() - rules.cancelCutoffS * 1000)
