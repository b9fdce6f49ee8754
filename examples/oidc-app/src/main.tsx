import { AuthProvider } from '@tokenlife/react'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import { auth, oauth } from './auth'
import '@tokenlife/example-app-shared/styles.css'

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AuthProvider client={auth} oauth={oauth}>
      <App />
    </AuthProvider>
  </StrictMode>,
)
