import { createAuthClient, createTokenlife } from '@tokenlife/vue'
import { createApp } from 'vue'
import Account from './Account.vue'

const auth = createAuthClient({ refreshUrl: '/auth/refresh', loginUrl: '/auth/login', logoutUrl: '/auth/logout' })
createApp(Account).use(createTokenlife(auth)).mount('#app')
