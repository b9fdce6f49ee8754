import { describe, kitError } from '../diagnostics/kitError'
import { mockFailures, type MockFailure } from './answers'
import { seconds } from './serverOptions'

/** A refresh the server holds on to: it has arrived, and gets its answer when the test says. */
export interface HeldAnswer {
  /** Resolves when the held request has arrived at the server. */
  readonly arrived: Promise<void>
  /** Whether it has arrived. */
  readonly hasArrived: boolean
  /** Lets the server answer it normally now. */
  release(): void
  /** Answers it with `failure` instead. */
  fail(failure: MockFailure): void
}

/** Options of `failNextRefresh()` and `goDown()`. */
export interface FailureOptions {
  /** How many refreshes in a row fail (`failNextRefresh()` only). Default 1. */
  times?: number
  /** The `Retry-After` of a 503 or 429, seconds. Default 1. */
  retryAfterSeconds?: number
}

/** What the server does with the next refresh request, instead of answering at once. */
type Plan =
  | { type: 'fail'; failure: MockFailure; retryAfterSeconds: number }
  | { type: 'delay'; ms: number }
  | { type: 'hold'; held: HeldAnswer; outcome: Promise<MockFailure | undefined>; arrive: () => void }

/** How long a `Retry-After` says to wait, seconds, when a test does not say. */
const DEFAULT_RETRY_AFTER_SECONDS = 1

const checkFailure = (failure: unknown): MockFailure => {
  if (mockFailures.includes(failure as MockFailure)) return failure as MockFailure
  throw kitError(TypeError, 'TL802', 'failure', describe(failure), mockFailures.join(', '))
}

/** A held answer and the promise its release (or failure) settles. */
function holdPlan(): Extract<Plan, { type: 'hold' }> {
  let decide: (failure: MockFailure | undefined) => void = () => {}
  let arrive: () => void = () => {}
  let hasArrived = false
  const outcome = new Promise<MockFailure | undefined>((resolve) => {
    decide = resolve
  })
  const arrived = new Promise<void>((resolve) => {
    arrive = () => {
      hasArrived = true
      resolve()
    }
  })
  const held: HeldAnswer = {
    arrived,
    get hasArrived() {
      return hasArrived
    },
    release: () => decide(undefined),
    fail: (failure) => decide(checkFailure(failure)),
  }
  return { type: 'hold', held, outcome, arrive }
}

/** The switches a test flips on a mock server: the next refreshes fail, slow down or wait; an outage. */
export class Switchboard {
  #plans: Plan[] = []
  #outage: { failure: MockFailure; retryAfterSeconds: number } | undefined

  reset(): void {
    this.#plans = []
    this.#outage = undefined
  }

  failNext(failure: MockFailure, options: FailureOptions = {}): void {
    const checked = checkFailure(failure)
    const times = seconds('times', options.times, 1)
    const retryAfterSeconds = seconds('retryAfterSeconds', options.retryAfterSeconds, DEFAULT_RETRY_AFTER_SECONDS, true)
    for (let i = 0; i < times; i++) this.#plans.push({ type: 'fail', failure: checked, retryAfterSeconds })
  }

  delayNext(ms: number): void {
    this.#plans.push({ type: 'delay', ms: seconds('delayNextRefresh(ms)', ms, 0, true) })
  }

  holdNext(): HeldAnswer {
    const plan = holdPlan()
    this.#plans.push(plan)
    return plan.held
  }

  goDown(failure: MockFailure, options: FailureOptions = {}): void {
    this.#outage = { failure: checkFailure(failure), retryAfterSeconds: seconds('retryAfterSeconds', options.retryAfterSeconds, DEFAULT_RETRY_AFTER_SECONDS, true) }
  }

  goUp(): void {
    this.#outage = undefined
  }

  /**
   * What a request meets: an outage, or (for a refresh) the next plan, waited out. Resolves with the failure to answer
   * with, or `undefined` for the normal answer.
   */
  async meet(isRefresh: boolean, wait: (ms: number) => Promise<void>): Promise<{ failure: MockFailure; retryAfterSeconds: number } | undefined> {
    if (this.#outage) return this.#outage
    const plan = isRefresh ? this.#plans.shift() : undefined
    if (plan?.type === 'fail') return plan
    if (plan?.type === 'delay') await wait(plan.ms)
    if (plan?.type !== 'hold') return undefined
    plan.arrive()
    const failure = await plan.outcome
    return failure === undefined ? undefined : { failure, retryAfterSeconds: DEFAULT_RETRY_AFTER_SECONDS }
  }
}
