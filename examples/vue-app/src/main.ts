import { createTokenlife } from '@tokenlife/vue'
import { createApp } from 'vue'
import App from './App.vue'
import { auth } from './auth'
import { router } from './router'
import '@tokenlife/example-app-shared/styles.css'
import './brand.css'

createApp(App).use(createTokenlife(auth)).use(router).mount('#app')
