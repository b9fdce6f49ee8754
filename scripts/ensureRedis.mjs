// Makes sure redis-server is there for @tokenlife/server's Redis tests (each run starts its own on a free port and
// stops it). Installs Debian's with apt-get when running as root; otherwise says what to do.
import { execSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const path = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server'
if (existsSync(path)) process.exit(0)
if (process.getuid?.() !== 0) {
  console.error(`redis-server is missing at ${path}. Install it (Debian: sudo apt-get install -y redis-server) or set REDIS_SERVER_PATH.`)
  process.exit(1)
}
console.log('Installing redis-server from Debian for the Redis tests…')
// The package's service is not started: the tests start their own servers.
execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server', {
  stdio: 'inherit',
  env: { ...process.env, RUNLEVEL: '1' },
})
