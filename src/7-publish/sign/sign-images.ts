// Signing a run's pushed images, between "pushed by digest" and "tags move" (the main action and merge call
// `signTargets` there): for each target, its image index and every manifest the index lists (each platform's
// image and each attestation manifest, as `cosign sign --recursive` covers them) get a Sigstore bundle attached
// as an OCI referrer (src/6-registry/referrers.ts). Any failure throws before the first tag moves, so a release
// is either signed and tagged, or not tagged at all.
//
// Whether to sign is decided here (`decideSigning`): never without a push, never on a digest-only build leg
// (merge signs the index it composes, and with it every leg's manifest), never on a pull request from a fork —
// its run must not ask for an OIDC token, whatever the inputs say.
import * as core from '@actions/core'
import type { RunContext } from '../../1-context/context.js'
import { isForkPullRequest } from '../../1-context/push-decision.js'
import type { SignInputs } from '../../1-context/sign-inputs.js'
import type { RegistryClient } from '../../6-registry/client.js'
import type { Descriptor } from '../../6-registry/manifest.js'
import { attachReferrer } from '../../6-registry/referrers.js'
import { verifyCommand, type TargetSignature } from './command.js'
import { signatureArtifact } from './format.js'
import type { ImageSigner } from './signer.js'
import { PUBLIC_GOOD, readSigningConfig } from './services.js'

export type SigningPlan = { kind: 'none'; reason: string } | { kind: 'keyless' } | { kind: 'key' }

/** Whether and how this run signs; `env` holds the runner's variables (the OIDC token request pair). */
export function decideSigning(
  inputs: SignInputs,
  ctx: RunContext,
  run: { push: boolean; digestOnly?: boolean },
  env: NodeJS.ProcessEnv = process.env
): SigningPlan {
  if (inputs.sign === 'false') return { kind: 'none', reason: 'sign: false' }
  if (!run.push) return { kind: 'none', reason: 'nothing pushed' }
  if (run.digestOnly)
    return { kind: 'none', reason: 'digest-only build leg: merge signs the index it composes' }
  if (isForkPullRequest(ctx)) {
    return { kind: 'none', reason: 'pull request from a fork: no OIDC token is requested, nothing is signed' }
  }
  if (inputs.sign === 'key') return { kind: 'key' }
  const tokenAvailable = !!env.ACTIONS_ID_TOKEN_REQUEST_URL && !!env.ACTIONS_ID_TOKEN_REQUEST_TOKEN
  if (tokenAvailable) return { kind: 'keyless' }
  const why =
    env.GITHUB_ACTIONS === 'true'
      ? "the job has no OIDC token: give it 'permissions: id-token: write'"
      : 'not running in GitHub Actions (no OIDC token)'
  if (inputs.sign === 'keyless') throw new Error(`sign: keyless cannot sign: ${why}. No tag was moved.`)
  return { kind: 'none', reason: `sign: auto skipped signing: ${why}` }
}

/** A report row as signing sees it (TargetResult has these fields). */
export interface SignableTarget {
  target: string
  image: string
  digest?: string
  status: string
  signature?: TargetSignature
}

/** The index and every manifest it lists, as subject descriptors. */
async function subjects(client: RegistryClient, image: string, digest: string): Promise<Descriptor[]> {
  const index = await client.getManifest(`${image}@${digest}`)
  if (!index) throw new Error(`${image}@${digest} is not in the registry; nothing was signed.`)
  const top = { mediaType: index.mediaType, digest, size: Buffer.byteLength(index.raw, 'utf8') }
  return [
    top,
    ...(index.json.manifests ?? []).map(m => ({ mediaType: m.mediaType, digest: m.digest, size: m.size }))
  ]
}

export interface SignOptions {
  inputs: SignInputs
  ctx: RunContext
  /** For GitHub attestations (the attestations API). */
  githubToken?: string
  push: boolean
  digestOnly?: boolean
  /** A signer to use instead of the one the inputs describe (tests). */
  signer?: ImageSigner
  env?: NodeJS.ProcessEnv
}

async function makeSigner(plan: SigningPlan, inputs: SignInputs): Promise<ImageSigner> {
  // Loaded only when a run signs: sigstore-js and its HTTP stack stay out of every other run's start-up.
  const { keySigner, keylessSigner } = await import('./signer.js')
  if (plan.kind === 'key') return keySigner(inputs.signingKey)
  const services = inputs.sigstoreConfig ? await readSigningConfig(inputs.sigstoreConfig) : PUBLIC_GOOD
  core.info(`Keyless signing: Fulcio ${services.fulcioUrl}, Rekor ${services.rekor?.url ?? '(none)'}`)
  return keylessSigner(services)
}

/** A GitHub artifact attestation (build provenance) of the index: keyless only (gh verifies the certificate). */
async function attestOnGitHub(
  signer: ImageSigner,
  t: SignableTarget,
  ref: string,
  o: SignOptions
): Promise<void> {
  if (signer.mode !== 'keyless') {
    core.notice(
      'github-attestations: skipped, GitHub attestations need keyless signing (sign: key is not verifiable by gh).'
    )
    return
  }
  // Loaded only here: @actions/github (Octokit) is a tenth of the main bundle, and a run that signs nothing
  // should not pay for it at start-up.
  const { provenanceStatement, writeGitHubAttestation } = await import('./github-attestation.js')
  const bundle = await signer.signStatement(provenanceStatement(t.image, t.digest as string, o.ctx, o.env))
  const id = await writeGitHubAttestation(o.ctx, o.githubToken ?? '', bundle)
  core.info(
    `${t.target}: GitHub attestation ${id} for ${ref} (gh attestation verify oci://${ref} --owner ${o.ctx.repository.owner})`
  )
}

/**
 * Signs every pushed target (index + listed manifests) and records `signature` on each; returns the plan
 * (`none` with its reason when nothing was signed). Throws on the first failure: no tag has moved yet.
 */
export async function signTargets(
  client: RegistryClient,
  targets: SignableTarget[],
  o: SignOptions
): Promise<SigningPlan> {
  const plan = decideSigning(o.inputs, o.ctx, { push: o.push, digestOnly: o.digestOnly }, o.env)
  if (plan.kind === 'none') {
    core.info(`Not signing: ${plan.reason}`)
    return plan
  }
  const images = targets.filter(t => t.status !== 'skipped')
  await core.group(`Signing ${images.map(t => t.target).join(', ')} (${plan.kind})`, async () => {
    const signer = o.signer ?? (await makeSigner(plan, o.inputs))
    for (const t of images) {
      if (!t.digest)
        throw new Error(
          `The build reported no pushed digest for target '${t.target}'; nothing was signed or tagged.`
        )
      const started = Date.now()
      const list = await subjects(client, t.image, t.digest)
      let source = ''
      for (const subject of list) {
        const { bundle } = await signer.sign(subject.digest)
        source = (await attachReferrer(client, t.image, subject, signatureArtifact(bundle))).source
      }
      const who = await signer.identity()
      const ref = `${t.image}@${t.digest}`
      t.signature = {
        mode: signer.mode,
        signed: list.length,
        identity: who.identity,
        issuer: who.issuer,
        verifyCommand: verifyCommand(ref, {
          identity: who.identity,
          issuer: who.issuer,
          trustedRoot: signer.mode === 'keyless' && o.inputs.sigstoreConfig ? 'trusted_root.json' : undefined,
          publicKeyFile: signer.mode === 'key' ? 'signing-key.pub' : undefined
        })
      }
      const elapsed = ((Date.now() - started) / 1000).toFixed(1)
      core.info(
        `${t.target}: signed ${ref} and the ${list.length - 1} manifest(s) it lists (${source === 'api' ? 'referrers API' : 'referrers tag schema'}) in ${elapsed} s`
      )
      if (who.identity) core.info(`${t.target}: certificate identity ${who.identity}, issuer ${who.issuer}`)
      if (o.inputs.githubAttestations) await attestOnGitHub(signer, t, ref, o)
      if (who.publicKey)
        core.info(`${t.target}: verify with the public key (signing-key.pub):\n${who.publicKey}`)
    }
  })
  return plan
}
