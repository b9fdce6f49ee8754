import { act, fireEvent, render, screen } from '@testing-library/react'
import { renderToString } from 'react-dom/server'
import { untilIdleWarning } from '@tokenlife/test-utils'
import { describe, expect, it } from 'vitest'
import { AuthProvider, idleTimeout, useAuth, useIdle, type UseIdleResult } from '../index'
import { passTime, setup } from './setup'

const minute = 60_000

/** The dialog an app renders: "you will be signed out in m:ss", with a button that keeps the session. */
function IdleDialog() {
  const idle = useIdle()
  const { status, reason } = useAuth()
  if (idle.status !== 'warning') return <p data-testid="session">{`${status}|${reason ?? ''}`}</p>
  const seconds = Math.ceil(idle.remainingMs / 1000)
  return (
    <div role="dialog">
      {`You will be signed out in ${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`}
      <button onClick={idle.stillHere}>Stay signed in</button>
    </div>
  )
}

describe('useIdle()', () => {
  it('counts down in a dialog warnMs before the idle timeout; stillHere() closes it; without activity every tab signs out', async () => {
    const { env, auth, server } = setup({ idle: idleTimeout({ timeoutMs: 5 * minute, warnMs: minute }) })
    server.issueSession()
    render(
      <AuthProvider client={auth}>
        <IdleDialog />
      </AuthProvider>,
    )
    await passTime(env)
    expect(screen.getByTestId('session').textContent).toBe('authenticated|')
    await passTime(env, 4 * minute)
    expect(screen.getByRole('dialog').textContent).toContain('You will be signed out in 1:00')
    await passTime(env, 1_000)
    expect(screen.getByRole('dialog').textContent).toContain('You will be signed out in 0:59')
    fireEvent.click(screen.getByText('Stay signed in'))
    await passTime(env, 0)
    expect(screen.queryByRole('dialog')).toBeNull()
    await passTime(env, 4 * minute)
    expect(screen.getByRole('dialog').textContent).toContain('1:00')
    await passTime(env, minute)
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(screen.getByTestId('session').textContent).toBe('unauthenticated|idle')
  })

  it("is 'off' without an idle timeout, and keeps its result object until the state changes", async () => {
    const { env, auth, server } = setup()
    server.issueSession()
    const results: UseIdleResult[] = []
    function Probe() {
      results.push(useIdle())
      return null
    }
    const view = render(
      <AuthProvider client={auth}>
        <Probe />
      </AuthProvider>,
    )
    await passTime(env, 10 * minute)
    view.rerender(
      <AuthProvider client={auth}>
        <Probe />
      </AuthProvider>,
    )
    expect(results.at(-1)).toMatchObject({ status: 'off', stillHere: auth.stillHere })
    expect(new Set(results).size).toBe(1)
    act(() => results[0]!.stillHere()) // harmless
  })

  it("renders 'off' on the server (and while hydrating), even when a warning is up", async () => {
    const { env, auth, server } = setup({ idle: idleTimeout({ timeoutMs: 5 * minute, warnMs: minute }) })
    server.issueSession()
    await untilIdleWarning(env, auth)
    function Status() {
      return <p>{useIdle().status}</p>
    }
    expect(renderToString(<AuthProvider client={auth}><Status /></AuthProvider>)).toBe('<p>off</p>')
  })
})
