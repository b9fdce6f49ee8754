import { act, render, screen } from '@testing-library/react'
import { createTestAuthClient, type TestSessionState } from '@tokenlife/testing'
import { TestAuthProvider } from '@tokenlife/testing/react'
import { afterEach, describe, expect, it } from 'vitest'
import { cleanup } from '@testing-library/react'
import { Account } from './Account'

afterEach(cleanup)

const renderIn = (state: TestSessionState) =>
  render(
    <TestAuthProvider state={state} options={{ user: { claims: { name: 'Ada' } } }}>
      <Account />
    </TestAuthProvider>,
  )

describe('<Account> in every session state', () => {
  it('signed out', async () => {
    renderIn('signed-out')
    expect((await screen.findByRole('status')).textContent).toBe('Please sign in.')
  })

  it('signed in', async () => {
    renderIn('signed-in')
    expect(await screen.findByText('Signed in as Ada')).toBeTruthy()
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('revoked', async () => {
    renderIn('revoked')
    expect((await screen.findByRole('status')).textContent).toBe('Your session has ended. Please sign in again.')
  })

  it('offline', async () => {
    renderIn('offline')
    expect((await screen.findByRole('alert')).textContent).toBe('You are offline. We will retry.')
    expect(screen.getByText('Signed in as Ada')).toBeTruthy()
  })

  it('from signed in to revoked, as the engine gets there', async () => {
    const session = await createTestAuthClient({ user: { claims: { name: 'Ada' } }, accessTokenTtl: 60 })
    render(
      <TestAuthProvider client={session}>
        <Account />
      </TestAuthProvider>,
    )
    expect(screen.getByText('Signed in as Ada')).toBeTruthy()
    session.revokeSession()
    await act(() => session.advance(60_000))
    expect(screen.getByRole('status').textContent).toBe('Your session has ended. Please sign in again.')
  })
})
