import { AuthProvider } from '@tokenlife/react'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import { auth } from './auth'
import '@tokenlife/example-app-shared/styles.css'
import './brand.css'

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AuthProvider client={auth}>
      <App />
    </AuthProvider>
  </StrictMode>,
)
