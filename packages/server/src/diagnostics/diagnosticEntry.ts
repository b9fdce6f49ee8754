/**
 * One row of the server's diagnostics table (`codes.ts`): an error or a logged message with a stable code in TL6xx.
 * The same shape as every tokenlife package's table (docs/contributing.md, "Error codes"), declared here because the
 * server shares no code with the browser packages; `docs/scripts/diagnostics.mjs` checks every field when it
 * generates the troubleshooting page from `title`, `meaning`, `cause` and `fix` (markdown).
 */
export interface DiagnosticEntry {
  /** An error (thrown or rejected with) or a warning (printed, e.g. by the handler's default `onError`). */
  readonly kind: 'error' | 'warning'
  /** What carries it: an error class (`TypeError`, `Error`) or what prints it. */
  readonly raises: string
  /** One line: what happened. */
  readonly title: string
  /** The message, without the `tokenlife:` prefix and the code. `subject` names what it is about, never a secret. */
  message(subject?: string, ...details: unknown[]): string
  /** What it means for the server and its users. */
  readonly meaning: string
  /** The likely cause. */
  readonly cause: string
  /** What to do about it. */
  readonly fix: string
  /** Always `'kept'`: the server has one build, which makes every check and writes every message in full. */
  readonly production: 'kept'
}
