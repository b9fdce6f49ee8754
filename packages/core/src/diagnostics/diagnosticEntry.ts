/**
 * One row of a package's diagnostics table (`src/diagnostics/codes.ts`): an error or warning with a stable code
 * (`TL` and three digits, in the range its package owns: see docs/contributing/error-codes.md). The development
 * build writes `message`; the production build writes only the code, a subject and the link to the troubleshooting
 * page, which `scripts/docs/diagnostics.mjs` generates from `title`, `meaning`, `cause` and `fix` (markdown).
 */
export interface DiagnosticEntry {
  /** An error (thrown or rejected with) or a warning (printed through `environment.warn` or `console`). */
  readonly kind: 'error' | 'warning'
  /** What carries it: an error class (`TypeError`, `NetworkError`, …) or the port that prints it. */
  readonly raises: string
  /** One line: what happened. */
  readonly title: string
  /** The development build's message. `subject` is what the production build prints too (a name, never a secret). */
  message(subject?: string, ...details: unknown[]): string
  /** What it means for the app and its users. */
  readonly meaning: string
  /** The likely cause. */
  readonly cause: string
  /** What to do about it. */
  readonly fix: string
  /**
   * `'kept'`: the production build raises it too, with a short message. `'development only'`: a check that only
   * helps a developer, which the production build does not make.
   */
  readonly production: 'kept' | 'development only'
}

/** A package's table: code → entry. */
export type DiagnosticTable = Readonly<Record<`TL${number}`, DiagnosticEntry>>
