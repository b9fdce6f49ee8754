import type { AuthClient } from '@tokenlife/core'
import { exchangeCode } from './codeExchange'
import type { ProviderMetadata } from './discovery'
import type { OAuthEnvironment } from './environment'
import { CallbackReplayError, CallbackStateError, OtherTabTransactionError } from './errors'
import { loadProtocol } from './protocol'
import { sameOriginPath } from './returnTo'
import type { Transaction, TransactionStore } from './transactions'

/** The parameters an authorization response puts on the redirect URI. */
const responseParams = ['code', 'state', 'error', 'error_description', 'error_uri', 'iss', 'session_state']

/** Whether `url` carries an authorization response (`code`, `error` or `state`). */
export function isCallbackUrl(url: string): boolean {
  const { searchParams } = new URL(url)
  return searchParams.has('code') || searchParams.has('error') || searchParams.has('state')
}

/** What handling a callback needs from the client. */
export interface CallbackContext {
  env: OAuthEnvironment
  clientId: string
  auth: AuthClient
  metadata: () => Promise<ProviderMetadata>
  transactions: TransactionStore
}

/**
 * The transaction `state` answers, or the refusal that says why there is none: missing, handled already, begun in
 * another tab, or not this tab's. Only a match goes on; the transaction is then used up at once (marked for every
 * tab), so the same callback can never be exchanged twice.
 */
async function matchTransaction(state: string | null, transactions: TransactionStore): Promise<Transaction> {
  if (state === null || state === '') throw new CallbackStateError('missing')
  const transaction = transactions.current()
  if (transaction?.state === state) {
    await transactions.finish(transaction)
    return transaction
  }
  const record = await transactions.record(state)
  if (record === 'used') throw new CallbackReplayError()
  if (record === 'begun') throw new OtherTabTransactionError()
  throw new CallbackStateError(transaction ? 'mismatch' : 'unknown')
}

/** The page's URL without the authorization response's parameters. */
function withoutResponse(url: string): string {
  const clean = new URL(url)
  for (const name of responseParams) clean.searchParams.delete(name)
  return clean.href
}

/**
 * Handles one callback URL (see `OAuthClient.handleRedirectCallback`): nothing reaches the session unless every
 * check passed. The address bar loses `code` and `state` whatever the outcome, so a reload does not replay them.
 */
export async function handleCallback(url: string, context: CallbackContext): Promise<{ returnTo: string }> {
  const { env, clientId, auth, metadata, transactions } = context
  const params = new URL(url).searchParams
  try {
    const transaction = await matchTransaction(params.get('state'), transactions)
    const returnTo = sameOriginPath(transaction.returnTo, url)
    const [o, as] = await Promise.all([loadProtocol(), metadata()])
    const tokens = await exchangeCode(o, as, { clientId, env, params, transaction, auth })
    auth.setTokens({
      accessToken: tokens.accessToken,
      ...(tokens.refreshToken === undefined ? {} : { refreshToken: tokens.refreshToken }),
      ...(tokens.expiresIn === undefined ? {} : { expiresIn: tokens.expiresIn }),
      idToken: tokens.idToken,
      ...(tokens.dpopJkt === undefined ? {} : { dpopJkt: tokens.dpopJkt }),
    })
    return { returnTo }
  } finally {
    if (env.pageUrl() === url) env.replaceUrl(withoutResponse(url))
  }
}
