// The signing inputs (`sign`, `signing-key`, `sigstore-config`, `github-attestations`), shared by the main action and merge: one
// parser, so both read the same values the same way.
import { maskSecret } from '../lib/secrets.js'

/**
 * auto     keyless when the job can get an OIDC token (`permissions: id-token: write`), else skip with a notice;
 * keyless  keyless, and fail when no token can be had;
 * key      sign with `signing-key` (registries outside GitHub's trust; no transparency log);
 * false    never sign.
 */
export type SignMode = 'auto' | 'keyless' | 'key' | 'false'

export interface SignInputs {
  sign: SignMode
  /** PEM private key (EC P-256) for `sign: key`; masked. */
  signingKey: string
  /** Path of a Sigstore signing config (cosign 3's --signing-config); '' = Sigstore's public-good instance. */
  sigstoreConfig: string
  /** Also store a GitHub artifact attestation (build provenance) of each index (keyless only). */
  githubAttestations: boolean
}

export const SIGN_INPUT_DEFAULTS = {
  sign: 'auto',
  'signing-key': '',
  'sigstore-config': '',
  'github-attestations': 'false'
} as const

export function parseSignInputs(get: (name: keyof typeof SIGN_INPUT_DEFAULTS) => string): SignInputs {
  const sign = (get('sign').trim() || SIGN_INPUT_DEFAULTS.sign).toLowerCase()
  if (!['auto', 'keyless', 'key', 'false'].includes(sign)) {
    throw new Error(`Invalid sign '${get('sign')}'. Expected one of: auto, keyless, key, false.`)
  }
  const signingKey = get('signing-key').trim()
  maskSecret(signingKey)
  for (const line of signingKey.split('\n')) if (line.trim().length > 8) maskSecret(line.trim())
  if (sign === 'key' && !signingKey) {
    throw new Error(
      'sign: key needs signing-key (a PEM EC P-256 private key, e.g. from a repository secret).'
    )
  }
  const attest = (get('github-attestations').trim() || 'false').toLowerCase()
  if (attest !== 'true' && attest !== 'false') {
    throw new Error(`Invalid github-attestations '${get('github-attestations')}'. Expected true or false.`)
  }
  return {
    sign: sign as SignMode,
    signingKey,
    sigstoreConfig: get('sigstore-config').trim(),
    githubAttestations: attest === 'true'
  }
}
