export {
  startProvider,
  CLIENT_ID,
  API,
  ACCESS_TOKEN_TTL,
  NODE_REDIRECT_URI,
  type RunningProvider,
  type StartProviderOptions,
  type ProviderLog,
  type TokenAnswerRewrite,
  type CodeTokens,
} from './provider'
export { authorizeOverHttp, signInOverHttp } from './codeFlow'
export { apiVerifier, dpopApi, type DpopApiCall } from './api'
