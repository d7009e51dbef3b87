// The merge sub-action's inputs, read once into one typed object; each value logged at debug level.
import * as core from '@actions/core'
import { parsePlanDocument, type PlanDocument } from '../../3-plan/document.js'
import { parseBoolean } from '../../lib/boolean.js'
import { maskSecret } from '../../lib/secrets.js'
import { parseSignInputs, type SignInputs } from '../../1-context/sign-inputs.js'
import { checkBuilderName } from '../../lib/validate.js'

export interface MergeInputs {
  plan: PlanDocument
  /** Raw `digests` input: paths (directory, file, `dir/*.json`) or inline JSON. */
  digests: string
  username: string
  password: string
  githubToken: string
  /** Replace exact-version tags that already exist. */
  overwrite: boolean
  /** Expect one attestation manifest per platform (the legs built with SBOM and/or provenance). */
  attestations: boolean
  builder: string
  /** Create or update the sticky preview comment on a same-repository pull request. */
  prComment: boolean
  /** Signing of the merged indexes (sign, signing-key, sigstore-config). */
  signing: SignInputs
}

export function parseMergeInputs(get: (name: string) => string): MergeInputs {
  const inputs: MergeInputs = {
    plan: parsePlanDocument(get('plan')),
    digests: get('digests'),
    username: get('username').trim(),
    password: get('password'),
    githubToken: get('github-token').trim(),
    overwrite: parseBoolean('overwrite', get('overwrite'), false),
    attestations: parseBoolean('attestations', get('attestations'), true),
    builder: get('builder').trim(),
    prComment: parseBoolean('pr-comment', get('pr-comment'), true),
    signing: parseSignInputs(get)
  }
  if (inputs.builder) checkBuilderName(inputs.builder)
  maskSecret(inputs.password)
  maskSecret(inputs.githubToken)
  for (const [k, v] of Object.entries(inputs)) {
    if (k !== 'password' && k !== 'githubToken' && k !== 'signing')
      core.debug(`input ${k}: ${JSON.stringify(v)}`)
  }
  return inputs
}

export function getMergeInputs(): MergeInputs {
  return parseMergeInputs(name => core.getInput(name, { trimWhitespace: false }))
}
