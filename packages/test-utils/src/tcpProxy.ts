import { createServer, connect, type Socket } from 'node:net'

/**
 * A TCP proxy in front of one port, to put a network between a server instance and Redis: latency, dropped
 * connections, and a partition (data goes nowhere, as when packets are lost; when it heals, the stalled connections
 * are reset, as TCP keepalive would in the end).
 */
export interface TcpProxy {
  port: number
  /** Every chunk, both ways, arrives `ms` later from now on (order kept). */
  setDelay(ms: number): void
  /** Resets every connection now (the client reconnects). */
  dropConnections(): void
  /** From now on nothing gets through; new connections hang. */
  partition(): void
  /** Ends the partition: the stalled connections are reset, new ones work. */
  heal(): void
  close(): Promise<void>
}

export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  let delayMs = 0
  let partitioned = false
  const pairs = new Set<{ client: Socket; upstream: Socket | undefined }>()

  const relay = (from: Socket, to: () => Socket | undefined) => {
    let chain = Promise.resolve()
    from.on('data', (chunk: Buffer) => {
      if (partitioned) return
      const wait = delayMs
      chain = chain.then(
        () =>
          new Promise<void>((resolve) => {
            const send = () => {
              if (!partitioned) to()?.write(chunk)
              resolve()
            }
            if (wait > 0) setTimeout(send, wait)
            else send()
          }),
      )
    })
  }

  const server = createServer((client) => {
    const pair: { client: Socket; upstream: Socket | undefined } = { client, upstream: undefined }
    pairs.add(pair)
    const end = () => {
      pairs.delete(pair)
      client.destroy()
      pair.upstream?.destroy()
    }
    client.on('error', end)
    client.on('close', end)
    if (partitioned) return // hangs until healed (then reset)
    const upstream = connect(targetPort, targetHost)
    pair.upstream = upstream
    upstream.on('error', end)
    upstream.on('close', end)
    relay(client, () => upstream)
    relay(upstream, () => client)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  const dropAll = () => {
    for (const pair of [...pairs]) {
      pair.client.destroy()
      pair.upstream?.destroy()
    }
  }
  return {
    port,
    setDelay: (ms) => {
      delayMs = ms
    },
    dropConnections: dropAll,
    partition: () => {
      partitioned = true
    },
    heal: () => {
      partitioned = false
      dropAll()
    },
    close: () =>
      new Promise<void>((resolve) => {
        dropAll()
        server.close(() => resolve())
      }),
  }
}
