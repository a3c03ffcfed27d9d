// The new-reservation form left for a moment (to register its callback number as a
// sender) and come back to: what was typed, kept in memory for this tab only.
let kept = null

export function keepDraft(form) {
  kept = JSON.parse(JSON.stringify(form))
}

// The draft, once: taken, it is forgotten. `callbackNum` (a number just verified)
// replaces the one it had.
export function takeDraft({ callbackNum } = {}) {
  const draft = kept
  kept = null
  if (draft && callbackNum) draft.callbackNum = callbackNum
  return draft
}

export const hasDraft = () => kept !== null
