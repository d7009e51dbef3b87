// Verifying published images in-process (the CLI's `verify IMAGE…`), as `cosign verify` would: for the index and
// each platform manifest, the signature bundles attached as referrers are verified with sigstore-js
// (@sigstore/verify) against a trusted root — certificate chain, SCT, transparency-log entry, signature, the
// required identity and issuer — and the signed statement must name exactly that digest with cosign's
// image-signature predicate. Beside it, per platform, whether BuildKit's attestation manifest carries an SBOM and
// SLSA provenance.
import { createPublicKey } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { bundleFromJSON } from '@sigstore/bundle'
import { TrustedRoot } from '@sigstore/protobuf-specs'
import { Verifier, toSignedEntity, toTrustMaterial, type VerificationPolicy } from '@sigstore/verify'
import type { RegistryClient } from '../../6-registry/client.js'
import { describeIndex, type ManifestJson } from '../../6-registry/manifest.js'
import { imageName, parseImageRef } from '../../6-registry/reference.js'
import { listReferrers } from '../../6-registry/referrers.js'
import { BUNDLE_MEDIA_TYPE, SIGN_PREDICATE_TYPE, statementOf } from './format.js'

export interface VerifyOptions {
  /** trusted_root.json contents (Sigstore's public-good root, or a private instance's). */
  trustedRoot: unknown
  /** Required certificate identity (SAN), exact or as a regular expression. */
  identity?: string | RegExp
  /** Required OIDC issuer. */
  issuer?: string
  /** PEM public key: verify key-based signatures (no certificate, no log) instead. */
  publicKey?: string
}

/** One verified digest: 'verified' with its identity, or why not. */
export interface DigestVerdict {
  digest: string
  verdict: string
  identity: string
}

export interface ImageVerification {
  reference: string
  index: DigestVerdict
  platforms: (DigestVerdict & { platform: string; sbom: boolean; provenance: boolean })[]
}

const SBOM_TYPES = ['https://spdx.dev/Document', 'https://cyclonedx.org/bom']

/** trusted_root.json from a file, else Sigstore's public-good root through TUF (the network; loaded on demand). */
export async function loadTrustedRoot(file: string | undefined): Promise<unknown> {
  if (file) return JSON.parse(await readFile(file, 'utf8'))
  const { getTrustedRoot } = await import('@sigstore/tuf')
  return TrustedRoot.toJSON(await getTrustedRoot())
}

/** A verifier for `o`: keyless needs one log entry and one SCT; a key-based bundle has neither. */
export function makeVerifier(o: VerifyOptions): { verify: (bundle: unknown) => { identity: string } } {
  const root = TrustedRoot.fromJSON(o.trustedRoot)
  if (o.publicKey) {
    const key = createPublicKey(o.publicKey)
    const material = toTrustMaterial(root, () => ({ publicKey: key, validFor: () => true }))
    const verifier = new Verifier(material, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 })
    return { verify: b => (verifier.verify(toSignedEntity(bundleFromJSON(b))), { identity: 'key' }) }
  }
  const verifier = new Verifier(toTrustMaterial(root), { tlogThreshold: 1, ctlogThreshold: 1 })
  const policy: VerificationPolicy = {
    ...(o.identity ? { subjectAlternativeName: o.identity } : {}),
    ...(o.issuer ? { extensions: { issuer: o.issuer } } : {})
  }
  return {
    verify: b => {
      const signer = verifier.verify(toSignedEntity(bundleFromJSON(b)), policy)
      return { identity: signer.identity?.subjectAlternativeName ?? '' }
    }
  }
}

/** Verifies the signature bundles attached to `digest`; the first that passes wins. */
async function verifyDigest(
  client: RegistryClient,
  image: string,
  digest: string,
  verifier: ReturnType<typeof makeVerifier>
): Promise<DigestVerdict> {
  const { manifests } = await listReferrers(client, image, digest, BUNDLE_MEDIA_TYPE)
  if (!manifests.length) return { digest, verdict: 'unsigned', identity: '' }
  let last = ''
  for (const m of manifests) {
    try {
      const artifact = await client.getManifest(`${image}@${m.digest}`)
      const layer = artifact?.json.layers?.find(l => l.mediaType === BUNDLE_MEDIA_TYPE)
      const bytes = layer && (await client.getBlob(image, layer.digest))
      if (!bytes) throw new Error('bundle blob missing')
      const bundle = JSON.parse(bytes.toString('utf8')) as { dsseEnvelope?: { payload?: string } }
      const { identity } = verifier.verify(bundle)
      const statement = statementOf(Buffer.from(bundle.dsseEnvelope?.payload ?? '', 'base64'))
      if (statement.predicateType !== SIGN_PREDICATE_TYPE)
        throw new Error(`predicate ${statement.predicateType}`)
      if (!statement.subjects.includes(digest)) throw new Error('signed statement names another digest')
      return { digest, verdict: 'verified', identity }
    } catch (e) {
      last = (e as Error).message
    }
  }
  return { digest, verdict: `invalid (${last})`, identity: '' }
}

/** Predicate types in each platform's attestation manifest (platform digest → types). */
async function attestationTypes(client: RegistryClient, image: string, index: ManifestJson) {
  const out = new Map<string, string[]>()
  for (const a of describeIndex(index).attestations) {
    if (!a.subject) continue
    const m = await client.getManifest(`${image}@${a.digest}`)
    out.set(
      a.subject,
      (m?.json.layers ?? []).map(l => l.annotations?.['in-toto.io/predicate-type'] ?? '')
    )
  }
  return out
}

/** Verifies one image reference (tag or digest): its index and each platform manifest. */
export async function verifyImage(
  client: RegistryClient,
  reference: string,
  verifier: ReturnType<typeof makeVerifier>
): Promise<ImageVerification> {
  const ref = parseImageRef(reference)
  const image = imageName(ref)
  const top = await client.getManifest(reference)
  if (!top) throw new Error(`${reference} is not in the registry.`)
  const index = await verifyDigest(client, image, top.digest, verifier)
  const platforms: ImageVerification['platforms'] = []
  if (top.json.manifests) {
    const types = await attestationTypes(client, image, top.json)
    for (const p of describeIndex(top.json).images) {
      const t = types.get(p.digest) ?? []
      platforms.push({
        platform: p.platform,
        ...(await verifyDigest(client, image, p.digest, verifier)),
        sbom: t.some(x => SBOM_TYPES.includes(x)),
        provenance: t.some(x => x.startsWith('https://slsa.dev/provenance/'))
      })
    }
  }
  return { reference, index, platforms }
}
