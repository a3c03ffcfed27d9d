// Component and unit tests run in English, whatever the machine's language.
import { setLocale } from './lib/i18n.js'

setLocale('en')
