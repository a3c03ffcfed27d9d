import { describe, expect, it } from 'vitest'
import { useTask } from './task.js'

describe('useTask', () => {
  it('is busy while the work runs and clears the last error', async () => {
    let release
    const seen = []
    const { busy, error, run } = useTask(() => new Promise((resolve) => (release = resolve)), { running: true })
    expect(busy.value).toBe(true)
    error.value = 'old'
    const done = run()
    seen.push(busy.value, error.value)
    release()
    await done
    expect(seen).toEqual([true, ''])
    expect(busy.value).toBe(false)
    expect(error.value).toBe('')
  })

  it('keeps the message of a failure, as `message` says it', async () => {
    const failing = () => Promise.reject(Object.assign(new Error('boom'), { status: 404 }))
    const plain = useTask(failing)
    await plain.run()
    expect(plain.error.value).toBe('boom')
    const quiet = useTask(failing, { message: (e) => (e.status === 404 ? '' : e.message) })
    await quiet.run()
    expect(quiet.error.value).toBe('')
    expect(quiet.busy.value).toBe(false)
  })

  it('hands its arguments to the work', async () => {
    const got = []
    const { run } = useTask(async (...args) => got.push(args))
    await run(1, 'a')
    expect(got).toEqual([[1, 'a']])
  })
})
