import { describe, expect, it } from 'vitest'
import { createBrowserEnvironment } from '../environment'

/** Every kind of input the idle timeout counts, as the browser dispatches it (on an element: capture sees it first). */
const inputs: [string, () => Event][] = [
  ['pointerdown', () => new PointerEvent('pointerdown', { bubbles: true })],
  ['pointermove', () => new PointerEvent('pointermove', { bubbles: true })],
  ['keydown', () => new KeyboardEvent('keydown', { key: 'a', bubbles: true })],
  ['wheel', () => new WheelEvent('wheel', { deltaY: 10, bubbles: true })],
  ['touchstart', () => new Event('touchstart', { bubbles: true })],
  ['scroll (does not bubble)', () => new Event('scroll')],
]

describe('the browser environment: onActivity in Chromium', () => {
  it.each(inputs)('hears %s on an element, even one whose handler stops it', (_label, make) => {
    const element = document.createElement('div')
    document.body.append(element)
    element.addEventListener(make().type, (event) => event.stopPropagation())
    let heard = 0
    const detach = createBrowserEnvironment().onActivity(() => heard++)
    try {
      element.dispatchEvent(make())
      expect(heard).toBe(1)
    } finally {
      detach()
      element.remove()
    }
  })

  it('hears the page becoming visible (not hidden), and nothing once detached', () => {
    let heard = 0
    const detach = createBrowserEnvironment().onActivity(() => heard++)
    document.dispatchEvent(new Event('visibilitychange')) // headless Chromium pages are visible
    expect(document.visibilityState).toBe('visible')
    expect(heard).toBe(1)
    detach()
    for (const [, make] of inputs) document.body.dispatchEvent(make())
    document.dispatchEvent(new Event('visibilitychange'))
    expect(heard).toBe(1)
  })
})
