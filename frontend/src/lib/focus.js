// After a failed submit: bring the first error into view and give it the focus, so that
// a 402 at the top of a long form, or a field's error below the fold, is never missed.
import { nextTick } from 'vue'

export async function focusFirstError(root) {
  await nextTick()
  const scope = root || document
  const target =
    scope.querySelector('[data-error-summary]') ||
    scope.querySelector('[aria-invalid="true"]') ||
    scope.querySelector('.field-errors')
  if (!target) return null
  const smooth = !window.matchMedia?.('(prefers-reduced-motion: reduce)').matches
  target.scrollIntoView({ block: 'center', behavior: smooth ? 'smooth' : 'auto' })
  if (!target.matches('input, textarea, select, button, a, [tabindex]')) target.setAttribute('tabindex', '-1')
  target.focus({ preventScroll: true })
  return target
}

// The top of the page, with `target` focused (a notice, a new row).
export async function revealAtTop(target) {
  await nextTick()
  window.scrollTo({ top: 0, behavior: 'auto' })
  if (target) {
    if (!target.matches('[tabindex]')) target.setAttribute('tabindex', '-1')
    target.focus({ preventScroll: true })
  }
}

// The id that ties a field to its errors (aria-describedby).
export const errorId = (field) => `error-${field}`

// The attributes of a field's control (`v-bind` them): its id, aria-invalid (the field has
// errors, or is `invalid` for a reason of its own) and aria-describedby (the errors' id
// when there are errors, then the `describedBy` ids).
export function controlOf(id, field, errors, { invalid = false, describedBy = [] } = {}) {
  return {
    id,
    'aria-invalid': errors.length > 0 || invalid,
    'aria-describedby': [errors.length ? errorId(field) : '', ...describedBy].filter(Boolean).join(' ') || undefined,
  }
}
