// The console's languages: Korean and English (vue-i18n). Korean when the browser
// prefers it (or the customer chose it in the header), English otherwise. Dates, times
// and numbers follow the language too (lib/format.js, lib/time.js).
import { createI18n } from 'vue-i18n'
import en from '../i18n/en.js'
import ko from '../i18n/ko.js'

const KEY = 'msgplat.locale'
export const LOCALES = [
  { code: 'ko', label: '한국어' },
  { code: 'en', label: 'English' },
]
const CODES = LOCALES.map((l) => l.code)

// The saved choice, else the first of the browser's languages we speak, else English.
export function preferredLocale(saved, languages = []) {
  if (CODES.includes(saved)) return saved
  for (const language of languages) {
    const code = String(language || '').toLowerCase().split('-')[0]
    if (CODES.includes(code)) return code
  }
  return 'en'
}

function saved() {
  try {
    return localStorage.getItem(KEY)
  } catch {
    return null
  }
}

const browserLanguages = () =>
  typeof navigator === 'undefined' ? [] : navigator.languages?.length ? navigator.languages : [navigator.language]

export const i18n = createI18n({
  legacy: false,
  globalInjection: true,
  locale: preferredLocale(saved(), browserLanguages()),
  fallbackLocale: 'en',
  messages: { en, ko },
  missingWarn: false,
  fallbackWarn: false,
})

export const t = (...args) => i18n.global.t(...args)
export const te = (key) => i18n.global.te(key)
export const currentLocale = () => i18n.global.locale.value
// The BCP 47 tag Intl formats with.
export const intlLocale = () => (currentLocale() === 'ko' ? 'ko-KR' : 'en-US')

function applyToDocument(code) {
  if (typeof document !== 'undefined') document.documentElement.lang = code
}
applyToDocument(currentLocale())

export function setLocale(code) {
  if (!CODES.includes(code)) return
  i18n.global.locale.value = code
  applyToDocument(code)
  try {
    localStorage.setItem(KEY, code)
  } catch {
    // private mode: the choice lasts this visit
  }
}
