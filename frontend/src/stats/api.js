import { downloadCsv, get } from '../lib/http.js'

// Counts over [from, to] (Seoul days, both included) with one entry a day with data.
export const getStats = ({ from, to }) => get('/stats', { from, to })
// Delivered and failed messages per carrier over the same days.
export const getCarrierStats = ({ from, to }) => get('/stats/carriers', { from, to })
// One CSV line a day of the period, then the totals.
export const exportStats = ({ from, to }) => downloadCsv('/stats', { from, to }, `stats-${from}-${to}.csv`)
