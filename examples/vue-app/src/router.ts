import { authGuard } from '@tokenlife/vue'
import { createRouter, createWebHistory } from 'vue-router'
import { auth } from './auth'
import DashboardView from './views/DashboardView.vue'
import SignInView from './views/SignInView.vue'

/** The app's routes (the component tests mount them on a router of their own). */
export const routes = [
  { path: '/', component: DashboardView, meta: { requiresAuth: true } },
  { path: '/login', component: SignInView },
  { path: '/:pathMatch(.*)*', redirect: '/' },
]

export const router = createRouter({
  // '/vue/': the example server serves the build there (see vite.config.ts `base`).
  history: createWebHistory(import.meta.env.BASE_URL),
  routes,
})

// Waits for the client to know (no flash of the sign-in page on reload), then lets a session through.
router.beforeEach(authGuard(auth, { redirectTo: { path: '/login' } }))
