// `multiarch-action verify IMAGE…`: checks published images as a consumer would, in-process (no cosign needed):
// each index and platform manifest's signature (verified against a trusted root with the required identity and
// issuer), the identity that signed it, SBOM and provenance presence, and the platforms, in one table. Exit 1
// when any row is not verified.
import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { RegistryClient } from '../6-registry/client.js'
import { parseImageRef } from '../6-registry/reference.js'
import { GITHUB_OIDC_ISSUER } from '../7-publish/sign/format.js'
import {
  loadTrustedRoot,
  makeVerifier,
  verifyImage,
  type VerifyOptions
} from '../7-publish/sign/verify-images.js'
import { verifyRows, verifyTable, type VerifyRow } from '../8-report/signatures.js'

export const VERIFY_USAGE = `Usage: multiarch-action verify [options] IMAGE...

  Verifies each image (tag or digest) and its platform manifests: Sigstore signature, signing identity,
  SBOM and provenance attestations, platforms. Exit 1 when anything is not verified.

  --certificate-identity ID         required signer, e.g.
                                    https://github.com/OWNER/REPO/.github/workflows/release.yml@refs/tags/v1.2.3
  --certificate-identity-regexp RE  required signer as a regular expression
  --certificate-oidc-issuer URL     default ${GITHUB_OIDC_ISSUER}
  --trusted-root FILE               trusted_root.json (default: Sigstore's public-good root, fetched through TUF)
  --key FILE                        verify key-based signatures with this PEM public key instead
  --username USER                   registry user (password from MULTIARCH_PASSWORD)`

/** Runs `verify`; returns the exit code. */
export async function runVerify(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      'certificate-identity': { type: 'string' },
      'certificate-identity-regexp': { type: 'string' },
      'certificate-oidc-issuer': { type: 'string' },
      'trusted-root': { type: 'string' },
      key: { type: 'string' },
      username: { type: 'string' },
      help: { type: 'boolean' }
    }
  })
  if (values.help || !positionals.length) {
    console.log(VERIFY_USAGE)
    return values.help ? 0 : 2
  }
  const identity = values['certificate-identity-regexp']
    ? new RegExp(values['certificate-identity-regexp'])
    : values['certificate-identity']
  if (!identity && !values.key) {
    console.error('verify needs --certificate-identity (or --certificate-identity-regexp), or --key.')
    return 2
  }
  const options: VerifyOptions = {
    trustedRoot: await loadTrustedRoot(values['trusted-root']),
    identity,
    issuer: values['certificate-oidc-issuer'] ?? GITHUB_OIDC_ISSUER,
    publicKey: values.key ? await readFile(values.key, 'utf8') : undefined
  }
  const verifier = makeVerifier(options)
  const credentials: Record<string, { username: string; password: string }> = {}
  if (values.username && env.MULTIARCH_PASSWORD) {
    for (const ref of positionals) {
      credentials[parseImageRef(ref).registry] = {
        username: values.username,
        password: env.MULTIARCH_PASSWORD
      }
    }
  }
  const client = new RegistryClient({ credentials })
  const rows: VerifyRow[] = []
  for (const reference of positionals)
    rows.push(...verifyRows(reference, await verifyImage(client, reference, verifier)))
  console.log(verifyTable(rows))
  return rows.every(r => r.signature === 'verified') ? 0 : 1
}
