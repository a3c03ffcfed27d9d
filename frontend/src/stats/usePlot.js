// The frame the charts draw in: the box whose width they take (kept current), the room
// left around the plot for the axes' labels, the plot's size inside it, and every how
// many days a date label stands so that the labels do not run into each other.
import { computed, ref } from 'vue'
import { useWidth } from './useWidth.js'

export const PAD = { left: 48, right: 12, top: 12, bottom: 28 }

// `height`: the chart's, in pixels; `days()`: the series drawn, a point a day.
export function usePlot(height, days) {
  const box = ref(null)
  const width = useWidth(box)
  const plotW = computed(() => width.value - PAD.left - PAD.right)
  const plotH = height - PAD.top - PAD.bottom
  const labelEvery = computed(() => Math.ceil(days().length / Math.max(2, Math.floor(plotW.value / 56))))
  return { box, width, plotW, plotH, labelEvery }
}
