// Personalised content: `#{name}` variables in the content (never the title), filled per
// recipient from a CSV whose header row names the number column (`dstNum`, else the
// first column) and one column per variable. Sent as `recipients: [{dstNum, variables}]`
// in the CSV's order, so the server's error index i is the i-th data row.
import { carrierBytes, messageType } from './bytes.js'

// Letters (Hangul too), digits and `_`, as the server reads them.
const VARIABLE = /#\{([\p{L}\p{N}_]+)\}/gu
const NUMBER_HEADER = /^(dstnum|dst_num|phone|number|mobile|tel|수신번호|전화번호|휴대폰|휴대폰번호)$/i

// The variables of some texts, each once, in order of first appearance.
export function variablesOf(...texts) {
  const names = []
  for (const text of texts) {
    for (const match of String(text ?? '').matchAll(VARIABLE)) {
      if (!names.includes(match[1])) names.push(match[1])
    }
  }
  return names
}

// The text with each known variable filled in; unknown ones are left as written.
export function render(text, variables = {}) {
  return String(text ?? '').replace(VARIABLE, (whole, name) =>
    Object.hasOwn(variables, name) ? String(variables[name]) : whole,
  )
}

function delimiterOf(line) {
  let best = ','
  let most = 0
  for (const candidate of [',', '\t', ';']) {
    const n = line.split(candidate).length - 1
    if (n > most) {
      best = candidate
      most = n
    }
  }
  return best
}

// CSV text as rows of cells with their 1-based line numbers: quoted cells may hold the
// delimiter, doubled quotes and new lines; blank lines are dropped.
export function parseCsvRows(text) {
  const source = String(text ?? '').replace(/^\uFEFF/, '')
  const delimiter = delimiterOf(source.split(/\r?\n/, 1)[0] || '')
  const rows = []
  let cells = []
  let cell = ''
  let quoted = false
  let line = 1
  let rowLine = 1
  const endRow = () => {
    cells.push(cell)
    if (cells.some((c) => c.trim() !== '')) rows.push({ line: rowLine, cells: cells.map((c) => c.trim()) })
    cells = []
    cell = ''
  }
  for (let i = 0; i < source.length; i++) {
    const char = source[i]
    if (quoted) {
      if (char === '"' && source[i + 1] === '"') {
        cell += '"'
        i++
      } else if (char === '"') {
        quoted = false
      } else {
        if (char === '\n') line++
        cell += char
      }
    } else if (char === '"' && cell.trim() === '') {
      cell = ''
      quoted = true
    } else if (char === delimiter) {
      cells.push(cell)
      cell = ''
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && source[i + 1] === '\n') i++
      endRow()
      line++
      rowLine = line
    } else {
      cell += char
    }
  }
  endRow()
  return rows
}

// The recipients of a personalised reservation from CSV text.
// `expected`: the variables the content uses; only those are sent.
// Returns { header, numberColumn, recipients: [{dstNum, variables}], lines: [csv line of
// each recipient], missingColumns, unusedColumns, gaps: [{index, line, name}] } where a
// gap is an empty cell of an expected variable (left out, so the server names it).
export function recipientsFromCsv(text, expected = []) {
  const rows = parseCsvRows(text)
  const first = rows[0]?.cells || []
  // A header row names the number column, or at least has no digit where numbers go.
  const header = first.length > 0 && (first.some((cell) => NUMBER_HEADER.test(cell)) || !/\d/.test(first[0]))
  let numberColumn = 0
  const columns = {}
  if (header) {
    const named = first.findIndex((cell) => NUMBER_HEADER.test(cell))
    numberColumn = named >= 0 ? named : 0
    first.forEach((name, i) => {
      if (i !== numberColumn && name) columns[name] = i
    })
  }
  const recipients = []
  const lines = []
  const gaps = []
  for (const row of header ? rows.slice(1) : rows) {
    const variables = {}
    for (const name of expected) {
      const value = columns[name] === undefined ? '' : row.cells[columns[name]] ?? ''
      if (value !== '') variables[name] = value
      else if (columns[name] !== undefined) gaps.push({ index: recipients.length, line: row.line, name })
    }
    recipients.push({ dstNum: row.cells[numberColumn] ?? '', variables })
    lines.push(row.line)
  }
  return {
    header,
    numberColumn: header ? first[numberColumn] : null,
    recipients,
    lines,
    missingColumns: expected.filter((name) => columns[name] === undefined),
    unusedColumns: Object.keys(columns).filter((name) => !expected.includes(name)),
    gaps,
  }
}

// How many of the personalised messages are SMS and LMS once rendered, and which
// recipients' messages are too long (their indexes).
export function renderedTypes(content, recipients) {
  const counts = { SMS: 0, LMS: 0 }
  const tooLong = []
  let longest = 0
  recipients.forEach((recipient, index) => {
    const bytes = carrierBytes(render(content, recipient.variables)).bytes
    longest = Math.max(longest, bytes)
    const type = messageType(bytes)
    if (type) counts[type]++
    else tooLong.push(index)
  })
  return { counts, tooLong, longest }
}

// "#{name}", as written in the content.
export const variableTag = (name) => `#{${name}}`
