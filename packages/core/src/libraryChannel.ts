import type { BroadcastChannel as LibraryChannel } from 'broadcast-channel'
import type { ChannelPort } from './ports'

/**
 * A {@link ChannelPort} over the broadcast-channel library, for browsers without a native `BroadcastChannel`
 * (it falls back to IndexedDB or localStorage). The library is loaded on first use only; messages posted before it
 * arrives are sent once it has. Not {@link ChannelPort.confidential}: tabs tell each other only that something
 * changed, never a token.
 */
export function openLibraryChannel(name: string): ChannelPort {
  const listeners = new Set<(message: unknown) => void>()
  const pending: unknown[] = []
  let closed = false
  let channel: LibraryChannel<unknown> | undefined
  void import('broadcast-channel').then((library) => {
    if (closed) return
    channel = new library.BroadcastChannel<unknown>(name)
    channel.addEventListener('message', (message) => {
      for (const listener of [...listeners]) listener(message)
    })
    for (const message of pending.splice(0)) void channel.postMessage(message)
  })
  return {
    // The library may keep messages in IndexedDB or localStorage: no token may travel over it.
    confidential: false,
    postMessage: (message) => {
      if (closed) return
      if (channel) return channel.postMessage(message)
      pending.push(message)
    },
    subscribe: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    close: () => {
      closed = true
      listeners.clear()
      return channel?.close()
    },
  }
}
