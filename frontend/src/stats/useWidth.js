// The width of an element in CSS pixels, kept current: charts draw in real pixels so
// their labels stay readable on a phone.
import { onBeforeUnmount, onMounted, ref } from 'vue'

export function useWidth(element, fallback = 720) {
  const width = ref(fallback)
  let observer = null
  onMounted(() => {
    observer = new ResizeObserver(([entry]) => {
      width.value = Math.max(280, Math.round(entry.contentRect.width))
    })
    observer.observe(element.value)
  })
  onBeforeUnmount(() => observer?.disconnect())
  return width
}
