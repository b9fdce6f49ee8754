import { flushPromises, mount } from '@vue/test-utils'
import { createTestAuthClient, type TestSessionState } from '@tokenlife/testing'
import { createTestTokenlife } from '@tokenlife/testing/vue'
import { describe, expect, it } from 'vitest'
import Account from './Account.vue'

const mountIn = async (state: TestSessionState) =>
  mount(Account, { global: { plugins: [await createTestTokenlife({ state, user: { claims: { name: 'Ada' } } })] } })

describe('<Account> in every session state', () => {
  it('signed out', async () => {
    const wrapper = await mountIn('signed-out')
    expect(wrapper.get('[role=status]').text()).toBe('Please sign in.')
  })

  it('signed in', async () => {
    const wrapper = await mountIn('signed-in')
    expect(wrapper.text()).toContain('Signed in as Ada')
    expect(wrapper.find('[role=alert]').exists()).toBe(false)
  })

  it('revoked', async () => {
    const wrapper = await mountIn('revoked')
    expect(wrapper.get('[role=status]').text()).toBe('Your session has ended. Please sign in again.')
  })

  it('offline', async () => {
    const wrapper = await mountIn('offline')
    expect(wrapper.get('[role=alert]').text()).toBe('You are offline. We will retry.')
    expect(wrapper.text()).toContain('Signed in as Ada')
  })

  it('from signed in to signed out in another tab, as the engine gets there', async () => {
    const session = await createTestAuthClient({ user: { claims: { name: 'Ada' } } })
    const wrapper = mount(Account, { global: { plugins: [await createTestTokenlife(session)] } })
    await session.signOutInAnotherTab()
    await flushPromises()
    expect(wrapper.get('[role=status]').text()).toBe('Please sign in.')
  })
})
