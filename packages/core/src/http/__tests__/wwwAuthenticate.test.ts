import { describe, expect, it } from 'vitest'
import { parseBearerChallenge, parseChallenge } from '../../wwwAuthenticate'

describe('parseBearerChallenge', () => {
  it.each([
    ['Bearer realm="api", error="invalid_token", error_description="The access token expired"', { realm: 'api', error: 'invalid_token', error_description: 'The access token expired' }],
    ['Bearer error=invalid_token', { error: 'invalid_token' }],
    ['bearer  ERROR = "insufficient_scope" , scope="read write"', { error: 'insufficient_scope', scope: 'read write' }],
    ['Basic realm="x", Bearer error="invalid_token"', { error: 'invalid_token' }],
    ['Basic abc==, Bearer realm="a, b", error="invalid_token"', { realm: 'a, b', error: 'invalid_token' }],
    ['Bearer error="invalid_token", Basic realm="x", error="other"', { error: 'invalid_token' }],
    ['Bearer error_description="say \\"hi\\""', { error_description: 'say "hi"' }],
    ['Bearer', {}],
  ])('%s', (header, expected) => {
    expect(parseBearerChallenge(header)).toEqual(expected)
  })

  it.each([[null], [''], ['Basic realm="x"'], ['Negotiate abc/def==']])('no Bearer challenge in %j', (header) => {
    expect(parseBearerChallenge(header)).toBeUndefined()
  })
})

describe('parseChallenge (DPoP, RFC 9449 §7.1)', () => {
  it.each([
    ['DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"', { error: 'use_dpop_nonce', error_description: 'Resource server requires nonce in DPoP proof' }],
    ['Bearer realm="api", DPoP algs="ES256 PS256", error="invalid_token"', { algs: 'ES256 PS256', error: 'invalid_token' }],
    ['dpop error=invalid_dpop_proof', { error: 'invalid_dpop_proof' }],
  ])('%s', (header, expected) => {
    expect(parseChallenge(header, 'dpop')).toEqual(expected)
  })

  it('a Bearer challenge is not a DPoP one, and the other way round', () => {
    expect(parseChallenge('Bearer error="invalid_token"', 'dpop')).toBeUndefined()
    expect(parseChallenge('DPoP error="use_dpop_nonce"', 'bearer')).toBeUndefined()
  })
})
