import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A redis-server of the test's own, on a free port, persisting to a temporary directory (AOF, fsync always). */
export interface TestRedis {
  port: number
  url: string
  /** Stops it gracefully (the AOF is complete) and starts it again on the same port and data: a restart. */
  restart(options?: { downMs?: number }): Promise<void>
  /** Stops it for good and removes its data. */
  stop(): Promise<void>
}

/** Where redis-server is: `REDIS_SERVER_PATH`, or Debian's `/usr/bin/redis-server`. */
export const redisServerPath = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server'

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

function launch(port: number, dir: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      redisServerPath,
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--protected-mode', 'no', '--loglevel', 'notice'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let output = ''
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('Ready to accept connections')) {
        child.stdout?.off('data', onData)
        child.stdout?.resume()
        resolve(child)
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.resume()
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready: ${output.slice(-500)}`)))
    child.once('error', reject)
  })
}

function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}

/** Starts a redis-server on a free port (never a fixed one: several runs share this machine). */
export async function startTestRedis(): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'tokenlife-redis-'))
  let child: ChildProcess | undefined
  let port = 0
  for (let attempt = 0; attempt < 5 && !child; attempt++) {
    port = await freePort()
    child = await launch(port, dir).catch(() => undefined)
  }
  if (!child) throw new Error(`could not start ${redisServerPath} (is it installed? node scripts/ensureRedis.mjs)`)
  let current = child
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    restart: async ({ downMs = 0 } = {}) => {
      await stopped(current)
      if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs))
      current = await launch(port, dir)
    },
    stop: async () => {
      await stopped(current)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
