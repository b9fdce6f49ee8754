// axios + axios-auth-refresh, as its README sets it up: tokens in localStorage, a request interceptor that adds the
// bearer, and a refresh on 401 (axios-auth-refresh holds this tab's other requests while it runs).
import axios from 'axios'
import createAuthRefreshInterceptor from 'axios-auth-refresh'
import { runPage } from './common.mjs'

const api = axios.create()
let markSignedIn = () => {}
const store = (data) => {
  localStorage.setItem('token', data.accessToken)
  localStorage.setItem('refreshToken', data.refreshToken)
}
const clear = () => {
  localStorage.removeItem('token')
  localStorage.removeItem('refreshToken')
  markSignedIn(false)
}
// The app's refresh function (README: "refreshAuthLogic"); also the nearest public call to a forced refresh.
const refresh = () =>
  axios.post('/ax/refresh', { refreshToken: localStorage.getItem('refreshToken') }).then(
    (response) => store(response.data),
    (error) => {
      clear()
      throw error
    },
  )
api.interceptors.request.use((config) => {
  const token = localStorage.getItem('token')
  if (token) config.headers.Authorization = `Bearer ${token}`
  return config
})
createAuthRefreshInterceptor(api, (failed) =>
  refresh().then(() => {
    failed.response.config.headers.Authorization = `Bearer ${localStorage.getItem('token')}`
  }),
)

runPage({
  async init({ mark }) {
    markSignedIn = mark
    if (localStorage.getItem('token')) mark(true)
  },
  async login() {
    store((await axios.post('/ax/login', { username: 'demo', password: 'demo' })).data)
    markSignedIn(true)
  },
  async callApi(url) {
    if (!localStorage.getItem('token')) return 'signed-out'
    try {
      await api.get(url)
      return 'ok'
    } catch (error) {
      if (!localStorage.getItem('token')) return 'signed-out'
      if (error?.response?.status === 401) return 'unauthorized'
      throw error
    }
  },
  forceRefresh: refresh,
  async logout() {
    await axios.post('/ax/logout', { refreshToken: localStorage.getItem('refreshToken') })
    clear()
  },
})
