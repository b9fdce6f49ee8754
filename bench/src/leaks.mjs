// Part 6, leaks: 10,000 refresh cycles (two tabs of one session taking turns) and 1,000 create/start/destroy cycles
// of a tab next to a long-lived one, in virtual time on @tokenlife/test-utils fakes. After a warm-up and at the end:
// pending timers, wake listeners, open channel ports, and the heap after a forced garbage collection. Growth from
// the warm-up to the end should be zero for the counts and within noise for the heap (bytes per cycle shown).
import { performance } from 'node:perf_hooks'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { importBundled } from './fleet.mjs'
import { fmt, median } from './stats.mjs'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc')

async function heapAfterGc() {
  for (let i = 0; i < 3; i++) {
    gc()
    await new Promise((resolve) => setImmediate(resolve))
  }
  return process.memoryUsage().heapUsed
}

async function measureCycles(run, cycles) {
  const warmup = Math.max(1, Math.floor(cycles / 10))
  const points = {}
  const started = performance.now()
  const result = await run(cycles, warmup, async (label, counters) => {
    points[label] = { ...counters, heap: await heapAfterGc() }
  })
  const { warm, end } = points
  return {
    cycles,
    warmup,
    result,
    seconds: (performance.now() - started) / 1000,
    heapGrowthKb: (end.heap - warm.heap) / 1024,
    bytesPerCycle: (end.heap - warm.heap) / (cycles - warmup),
    timersGrowth: end.timers - warm.timers,
    listenersGrowth: end.wakeListeners - warm.wakeListeners,
    portsGrowth: end.ports - warm.ports,
    end,
  }
}

/** @param {{ refreshCycles?: number, createCycles?: number, repeats?: number }} [options] */
export async function runLeaks({ refreshCycles = 10_000, createCycles = 1_000, repeats = 3 } = {}) {
  const module = await importBundled('leakSession.mjs')
  const rows = []
  for (const [name, run, cycles] of [
    ['refresh cycles', module.refreshCycles, refreshCycles],
    ['create / start / destroy cycles', module.createDestroyCycles, createCycles],
  ]) {
    const runs = []
    for (let repeat = 0; repeat < repeats; repeat++) runs.push(await measureCycles(run, cycles))
    const pick = (key) => median(runs.map((r) => r[key]))
    rows.push({
      name,
      cycles,
      repeats,
      heapGrowthKb: pick('heapGrowthKb'),
      bytesPerCycle: pick('bytesPerCycle'),
      timersGrowth: pick('timersGrowth'),
      listenersGrowth: pick('listenersGrowth'),
      portsGrowth: pick('portsGrowth'),
      end: runs[0].end,
      result: runs[0].result,
      seconds: pick('seconds'),
    })
  }
  return { rows }
}

export function leaksTable({ rows }) {
  const lines = [
    '| cycles | heap growth after warm-up (median) | per cycle | pending timers growth | wake listeners growth | channel ports growth | at the end: timers · listeners · ports |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ]
  for (const row of rows)
    lines.push(
      `| ${row.cycles.toLocaleString('en-US')} ${row.name} | ${fmt(row.heapGrowthKb, 0)} KB | ${fmt(row.bytesPerCycle, 0)} B | ${row.timersGrowth} | ${row.listenersGrowth} | ${row.portsGrowth} | ${row.end.timers} · ${row.end.wakeListeners} · ${row.end.ports} |`,
    )
  lines.push(
    '',
    `Virtual time on the test-utils fakes; growth is measured from the end of a warm-up (the first 10 % of the cycles) to the end, heap after a forced GC, median of ${rows[0]?.repeats ?? 1} runs. Heap growth of a few hundred KB in either direction is noise (V8's own caches); a leak of one listener or closure per cycle would show as a steady per-cycle figure and a growing count.`,
  )
  return lines.join('\n')
}
