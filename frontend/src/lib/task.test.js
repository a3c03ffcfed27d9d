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

  it('runs one at a time, in the order asked: a slow first answer never lands last', async () => {
    const releases = []
    const shown = []
    const { busy, run } = useTask(async (what) => {
      await new Promise((resolve) => releases.push(resolve))
      shown.push(what)
    })
    const first = run('per reservation')
    const second = run('all entries') // clicked while the first is still out
    await Promise.resolve()
    expect(releases.length).toBe(1) // the second waits for the first
    releases[0]()
    await first
    expect(busy.value).toBe(true) // the second is still to come
    await new Promise((resolve) => setTimeout(resolve, 0))
    releases[1]()
    await second
    expect(shown).toEqual(['per reservation', 'all entries'])
    expect(busy.value).toBe(false)
  })

  it('hands its arguments to the work', async () => {
    const got = []
    const { run } = useTask(async (...args) => got.push(args))
    await run(1, 'a')
    expect(got).toEqual([[1, 'a']])
  })
})
