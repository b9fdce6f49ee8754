import fc from 'fast-check'

/** At most this many tabs are open at once (`open` and `restore` beyond it do nothing). */
export const MAX_TABS = 8
/** The longest generated scenario, in commands. */
export const MAX_COMMANDS = 60

/** What a user, the browser or the network does next. */
export type Command =
  | { kind: 'open' }
  | { kind: 'close'; tab: number }
  | { kind: 'restore' }
  | { kind: 'discard'; tab: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'sleep'; ms: number }
  /** The device sleeps in the middle of the next IndexedDB write any tab makes (which may come commands later). */
  | { kind: 'sleepMidWrite'; ms: number }
  | { kind: 'freeze'; tab: number }
  | { kind: 'thaw'; tab: number }
  | { kind: 'getToken'; tab: number }
  | { kind: 'api'; tab: number }
  | { kind: 'login'; tab: number }
  | { kind: 'logout'; tab: number }
  | { kind: 'storm' }
  | { kind: 'wave401' }
  | { kind: 'loseResponse' }
  | { kind: 'revoke' }

/** One generated case: the browser's seed, its options and what happens. */
export interface Scenario {
  mode: 'cookie' | 'storage'
  persistAccessToken: boolean
  seed: number
  /** Tabs open when the scenario begins (the first one signs in). */
  tabs: number
  commands: Command[]
}

const tab = fc.nat(MAX_TABS - 1)
const commandArbitrary: fc.Arbitrary<Command> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ kind: 'open' as const }) },
  fc.record({ kind: fc.constant('close' as const), tab }),
  fc.constant({ kind: 'restore' as const }),
  fc.record({ kind: fc.constant('discard' as const), tab }),
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 90_000 }) }) },
  fc.record({ kind: fc.constant('sleep' as const), ms: fc.integer({ min: 1_000, max: 300_000 }) }),
  fc.record({ kind: fc.constant('sleepMidWrite' as const), ms: fc.integer({ min: 1_000, max: 60_000 }) }),
  fc.record({ kind: fc.constant('freeze' as const), tab }),
  fc.record({ kind: fc.constant('thaw' as const), tab }),
  fc.record({ kind: fc.constant('getToken' as const), tab }),
  fc.record({ kind: fc.constant('api' as const), tab }),
  fc.record({ kind: fc.constant('login' as const), tab }),
  fc.record({ kind: fc.constant('logout' as const), tab }),
  { weight: 2, arbitrary: fc.constant({ kind: 'storm' as const }) },
  fc.constant({ kind: 'wave401' as const }),
  fc.constant({ kind: 'loseResponse' as const }),
  fc.constant({ kind: 'revoke' as const }),
)

/**
 * Scenarios for one refresh-token mode. Lengths spread over the whole range up to {@link MAX_COMMANDS} (fast-check's
 * `medium` size: about two thirds are longer than 20 commands, a tenth shorter than 6), so runs reach long
 * histories (several lifetimes, storms after restores after logouts) as well as short ones that shrink well.
 */
export function scenarios(mode: Scenario['mode']): fc.Arbitrary<Scenario> {
  return fc.record({
    mode: fc.constant(mode),
    persistAccessToken: fc.boolean(),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    tabs: fc.integer({ min: 1, max: MAX_TABS }),
    commands: fc.array(commandArbitrary, { minLength: 1, maxLength: MAX_COMMANDS, size: 'medium' }),
  })
}

/** How long a set of scenarios was: what the soak prints, so a generator that drifts short shows. */
export interface LengthSummary {
  runs: number
  max: number
  mean: number
  /** The share (0..1) of scenarios longer than 20 commands. */
  over20: number
  /** How many scenarios had 1–10, 11–20, 21–40 and 41 or more commands. */
  histogram: Record<'1-10' | '11-20' | '21-40' | '41+', number>
  /** The share (0..1) of scenarios that began with more than 5 tabs. */
  over5Tabs: number
}

/** Summarises the lengths (and starting tabs) of the scenarios played. */
export function summarizeLengths(played: readonly Pick<Scenario, 'commands' | 'tabs'>[]): LengthSummary {
  const lengths = played.map((scenario) => scenario.commands.length)
  const runs = lengths.length
  const share = (count: number) => (runs === 0 ? 0 : count / runs)
  const count = (test: (length: number) => boolean) => lengths.filter(test).length
  return {
    runs,
    max: runs === 0 ? 0 : Math.max(...lengths),
    mean: share(lengths.reduce((sum, length) => sum + length, 0)),
    over20: share(count((length) => length > 20)),
    histogram: {
      '1-10': count((length) => length <= 10),
      '11-20': count((length) => length > 10 && length <= 20),
      '21-40': count((length) => length > 20 && length <= 40),
      '41+': count((length) => length > 40),
    },
    over5Tabs: share(played.filter((scenario) => scenario.tabs > 5).length),
  }
}
