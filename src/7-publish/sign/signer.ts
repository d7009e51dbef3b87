// Signing in-process with sigstore-js (@sigstore/sign): no cosign binary on the runner. Two signers:
//   keyless  an ephemeral P-256 key, certified once per run by Fulcio for the job's OIDC identity (the runner's
//            ID token, audience `sigstore`), every signature recorded in Rekor; one certificate covers all the
//            run's signatures, as `cosign sign --recursive` does, so a release asks Fulcio once, not per manifest;
//   key      a PEM private key of the user's (registries outside GitHub's trust); no certificate, no log entry:
//            verified with `cosign verify --key PUBLIC_KEY --insecure-ignore-tlog=true`.
// The token and the key never leave this module: both are masked, and errors from the Sigstore services are
// redacted (sigstore-js quotes a malformed token in its error message).
import * as core from '@actions/core'
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto'
import { bundleToJSON } from '@sigstore/bundle'
import { DSSEBundleBuilder, FulcioSigner, RekorWitness, type Signature, type Signer } from '@sigstore/sign'
import { X509Certificate } from '@sigstore/core'
import { maskSecret, redact } from '../../lib/secrets.js'
import { IN_TOTO_PAYLOAD_TYPE, signStatement } from './format.js'
import type { SigstoreServices } from './services.js'

/** Signs with a key it holds. */
class KeySigner implements Signer {
  private readonly publicPem: string
  constructor(private readonly key: KeyObject) {
    const pub = createPublicKey(key)
    this.publicPem = pub.export({ format: 'pem', type: 'spki' }).toString()
  }
  async sign(data: Buffer): Promise<Signature> {
    return {
      signature: sign('sha256', data, this.key),
      key: { $case: 'publicKey', publicKey: this.publicPem }
    }
  }
  get publicKey(): string {
    return this.publicPem
  }
}

/** One Fulcio certificate for every signature of the run (asked for on the first signature). */
class OneCertificateSigner implements Signer {
  private certificate?: Promise<string>
  constructor(
    private readonly fulcio: FulcioSigner,
    private readonly key: KeySigner
  ) {}
  async sign(data: Buffer): Promise<Signature> {
    this.certificate ??= this.fulcio.sign(data).then(s => {
      if (s.key.$case !== 'x509Certificate') throw new Error('Fulcio answered without a certificate')
      return s.key.certificate
    })
    const certificate = await this.certificate
    const { signature } = await this.key.sign(data)
    return { signature, key: { $case: 'x509Certificate', certificate } }
  }
  /** The certificate's identity (SAN) once issued. */
  async identity(): Promise<string | undefined> {
    const pem = await this.certificate
    return pem ? X509Certificate.parse(pem).subjectAltName : undefined
  }
}

/** What signing produced for one digest: the bundle, serialized as it is stored. */
export interface SignedDigest {
  digest: string
  bundle: Buffer
}

export interface ImageSigner {
  mode: 'keyless' | 'key'
  /** Signs `digest` (an image index or manifest): a Sigstore bundle of cosign's image-signature statement. */
  sign(digest: string): Promise<SignedDigest>
  /** Signs any in-toto statement (a GitHub attestation's provenance) with the same key and certificate. */
  signStatement(statement: Buffer): Promise<Buffer>
  /** keyless: the certificate's identity and issuer (after the first signature); key: the public key (PEM). */
  identity(): Promise<{ identity?: string; issuer?: string; publicKey?: string }>
}

/** Turns a Sigstore service error into one that says what failed, with every secret removed. */
function serviceError(e: unknown, what: string, secrets: string[]): Error {
  const err = e as { message?: string; code?: string; cause?: { message?: string } }
  let message = [err.message, err.cause?.message].filter(Boolean).join(': ')
  for (const s of secrets) message = redact(message, s)
  return new Error(`${what}: ${message}${err.code ? ` (${err.code})` : ''}`)
}

/** The runner's OIDC token for Sigstore, requested once (core.getIDToken masks it). */
function runnerToken(): () => Promise<string> {
  let token: Promise<string> | undefined
  return () =>
    (token ??= core.getIDToken('sigstore').then(t => {
      maskSecret(t)
      return t
    }))
}

/** Keyless signing against `services` with the runner's identity. */
export function keylessSigner(services: SigstoreServices, getToken = runnerToken()): ImageSigner {
  const tokens: string[] = []
  const provider = {
    getToken: async () => {
      const t = await getToken()
      tokens.push(t)
      return t
    }
  }
  // The key Fulcio certifies (keyHolder) is the key every later signature is made with.
  const key = new KeySigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)
  const fulcio = new FulcioSigner({
    fulcioBaseURL: services.fulcioUrl,
    identityProvider: provider,
    keyHolder: key,
    retry: { retries: 2 }
  })
  const signer = new OneCertificateSigner(fulcio, key)
  const witnesses = services.rekor
    ? [
        new RekorWitness({
          rekorBaseURL: services.rekor.url,
          majorApiVersion: services.rekor.majorApiVersion,
          retry: { retries: 2 }
        })
      ]
    : []
  const builder = new DSSEBundleBuilder({ signer, witnesses })
  const where = `Fulcio ${services.fulcioUrl}${services.rekor ? `, Rekor ${services.rekor.url}` : ''}`
  const create = async (statement: Buffer, what: string): Promise<Buffer> => {
    try {
      const bundle = await builder.create({ data: statement, type: IN_TOTO_PAYLOAD_TYPE })
      return Buffer.from(JSON.stringify(bundleToJSON(bundle)))
    } catch (e) {
      throw serviceError(e, `Keyless signing of ${what} failed (${where})`, tokens)
    }
  }
  return {
    mode: 'keyless',
    sign: async digest => ({ digest, bundle: await create(signStatement(digest), digest) }),
    signStatement: statement => create(statement, 'a GitHub attestation'),
    async identity() {
      const token = tokens[0]
      const iss = token
        ? (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { iss?: string }).iss
        : undefined
      return { identity: await signer.identity(), issuer: iss }
    }
  }
}

/** Signing with a user's PEM private key (PKCS#8 or SEC1, EC P-256). */
export function keySigner(pem: string): ImageSigner {
  maskSecret(pem)
  let key: KeyObject
  try {
    key = createPrivateKey(pem)
  } catch {
    // Never the key in the message, not even part of it.
    throw new Error(
      'signing-key is not a PEM private key (expected an unencrypted PKCS#8 or SEC1 EC P-256 key).'
    )
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error(
      `signing-key must be an EC P-256 key, got ${key.asymmetricKeyType} ${key.asymmetricKeyDetails?.namedCurve ?? ''}.`
    )
  }
  const signer = new KeySigner(key)
  // No key hint: the envelope would carry it as its keyid, which cosign compares with its own id of --key.
  const builder = new DSSEBundleBuilder({ signer, witnesses: [] })
  return {
    mode: 'key',
    async sign(digest) {
      return { digest, bundle: await this.signStatement(signStatement(digest)) }
    },
    async signStatement(statement) {
      const bundle = await builder.create({ data: statement, type: IN_TOTO_PAYLOAD_TYPE })
      return Buffer.from(JSON.stringify(bundleToJSON(bundle)))
    },
    async identity() {
      return { publicKey: signer.publicKey }
    }
  }
}
