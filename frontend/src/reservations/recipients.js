// Recipients as a customer gives them: pasted (one per line, or comma separated) or a
// CSV file (the first column; a header row without digits is skipped). The list keeps
// its order, and is sent as a JSON array so that the server's error indexes match it.

export function splitPasted(text) {
  return text
    .split(/[\n,;]/)
    .map((part) => part.trim())
    .filter((part) => part !== '')
}

function firstCell(line) {
  const trimmed = line.trim()
  if (trimmed.startsWith('"')) {
    const end = trimmed.indexOf('"', 1)
    return end > 0 ? trimmed.slice(1, end) : trimmed.slice(1)
  }
  return trimmed.split(/[,;\t]/)[0].trim()
}

export function parseCsv(text) {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  const cells = lines.map(firstCell).filter((cell) => cell !== '')
  if (cells.length && !/\d/.test(cells[0])) cells.shift()
  return cells
}
