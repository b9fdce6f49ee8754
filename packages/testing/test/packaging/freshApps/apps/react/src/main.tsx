import { AuthProvider } from '@tokenlife/react'
import { createRoot } from 'react-dom/client'
import { Account } from './Account'
import { auth } from './auth'

createRoot(document.getElementById('root')!).render(
  <AuthProvider client={auth}>
    <Account />
  </AuthProvider>,
)
