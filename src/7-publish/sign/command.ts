// The `cosign verify` command of a signed image, with the identity and issuer filled in (or the key), as the
// summary and the PR comment show it. Words are quoted for a POSIX shell.

/** What signing recorded on a target (TargetResult.signature). */
export interface TargetSignature {
  mode: 'keyless' | 'key'
  /** Manifests signed: the index, each platform manifest, each attestation manifest. */
  signed: number
  /** keyless: the certificate identity (SAN) and OIDC issuer. */
  identity?: string
  issuer?: string
  /** The exact verification command for this image. */
  verifyCommand: string
}

const quote = (word: string): string =>
  /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`

/** `cosign verify …` for `ref` (image@digest): keyless with identity and issuer, or with the public key. */
export function verifyCommand(
  ref: string,
  o: { identity?: string; issuer?: string; trustedRoot?: string; publicKeyFile?: string }
): string {
  const args = ['cosign', 'verify']
  if (o.publicKeyFile) args.push('--key', o.publicKeyFile, '--insecure-ignore-tlog=true')
  else {
    if (o.trustedRoot) args.push('--trusted-root', o.trustedRoot)
    args.push('--certificate-identity', o.identity ?? '', '--certificate-oidc-issuer', o.issuer ?? '')
  }
  args.push(ref)
  return args.map(quote).join(' ')
}
