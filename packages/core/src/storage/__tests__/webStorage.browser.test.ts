import { afterEach, describe, expect, it } from 'vitest'
import { webStorage } from '../webStorage'

const prefix = 'tokenlife-test-web:'

afterEach(() => {
  for (const storage of [localStorage, sessionStorage]) {
    for (const key of Object.keys(storage)) if (key.startsWith(prefix)) storage.removeItem(key)
  }
})

describe.each([
  ['local', () => localStorage, 'localStorage'],
  ['session', () => sessionStorage, 'sessionStorage'],
] as const)('webStorage(%j) in Chromium', (kind, raw, name) => {
  it('sets, gets and removes for real', () => {
    const storage = webStorage(kind)
    const key = `${prefix}refresh`
    expect(storage.name).toBe(name)
    expect(storage.get(key)).toBeUndefined()
    storage.set(key, 'r1')
    expect(raw().getItem(key)).toBe('r1')
    expect(storage.get(key)).toBe('r1')
    storage.remove(key)
    expect(raw().getItem(key)).toBeNull()
    expect(storage.get(key)).toBeUndefined()
  })

  it('reads what was stored before it was created (a reload)', () => {
    raw().setItem(`${prefix}refresh`, 'from-last-page')
    expect(webStorage(kind).get(`${prefix}refresh`)).toBe('from-last-page')
  })
})

it('keeps localStorage and sessionStorage apart', () => {
  webStorage('local').set(`${prefix}k`, 'local')
  webStorage('session').set(`${prefix}k`, 'session')
  expect(localStorage.getItem(`${prefix}k`)).toBe('local')
  expect(sessionStorage.getItem(`${prefix}k`)).toBe('session')
})
