// What a signature is, byte for byte, so that `cosign verify` (cosign 3, new bundle format) finds and accepts it:
// a Sigstore bundle v0.3 holding a DSSE envelope of an in-toto statement whose subject is the signed manifest's
// digest and whose predicate type is cosign's image-signature type, stored as an OCI referrer of that manifest
// (src/6-registry/referrers.ts). Captured from cosign 3.1.1 itself: __tests__/fixtures/signing/README.md.
import type { Descriptor } from '../../6-registry/manifest.js'
import type { ReferrerArtifact } from '../../6-registry/referrers.js'

/** Media type of Sigstore bundles v0.3: the artifact type of the referrer and of its one layer. */
export const BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json'
/** cosign's predicate type of an image signature (what `cosign verify` reports as `critical.type`). */
export const SIGN_PREDICATE_TYPE = 'https://sigstore.dev/cosign/sign/v1'
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json'
export const IN_TOTO_STATEMENT = 'https://in-toto.io/Statement/v1'
/** The issuer of GitHub Actions' OIDC tokens, as Fulcio records it in certificates. */
export const GITHUB_OIDC_ISSUER = 'https://token.actions.githubusercontent.com'

/** The statement a signature of `digest` signs (the field order is cosign's). */
export function signStatement(digest: string): Buffer {
  const [algorithm, hex] = digest.split(':')
  return Buffer.from(
    JSON.stringify({
      _type: IN_TOTO_STATEMENT,
      subject: [{ digest: { [algorithm]: hex }, annotations: {} }],
      predicateType: SIGN_PREDICATE_TYPE,
      predicate: {}
    })
  )
}

/** The referrer artifact of a bundle (annotations as cosign writes them; time at second precision). */
export function signatureArtifact(bundleJson: Buffer, created: Date = new Date()): ReferrerArtifact {
  return {
    artifactType: BUNDLE_MEDIA_TYPE,
    payload: bundleJson,
    annotations: {
      'dev.sigstore.bundle.content': 'dsse-envelope',
      'dev.sigstore.bundle.predicateType': SIGN_PREDICATE_TYPE,
      'org.opencontainers.image.created': created.toISOString().replace(/\.\d{3}Z$/, 'Z')
    }
  }
}

/** True for a referrer descriptor that is an image signature bundle (as listed by the API or the fallback). */
export function isSignatureReferrer(d: Descriptor): boolean {
  return (
    d.artifactType === BUNDLE_MEDIA_TYPE &&
    (d.annotations?.['dev.sigstore.bundle.predicateType'] ?? SIGN_PREDICATE_TYPE) === SIGN_PREDICATE_TYPE
  )
}

/** The subject digests a DSSE statement names (`sha256:…`), and its predicate type. */
export function statementOf(payload: Buffer): { subjects: string[]; predicateType: string } {
  const s = JSON.parse(payload.toString('utf8')) as {
    subject?: { digest?: Record<string, string> }[]
    predicateType?: string
  }
  const subjects = (s.subject ?? []).flatMap(x => Object.entries(x.digest ?? {}).map(([a, h]) => `${a}:${h}`))
  return { subjects, predicateType: s.predicateType ?? '' }
}
