// The cleanup sub-action's inputs: the main action's inputs that name the images (same parser, same
// defaults) plus its own, read once into one typed object.
import * as core from '@actions/core'
import { parseInputs, type InputName, type Inputs } from '../../1-context/inputs.js'
import { parseBoolean } from '../../lib/boolean.js'
import { maskSecret } from '../../lib/secrets.js'
import type { RegistryApi } from '../../6-registry/packages.js'

/** The main action's inputs cleanup shares (same meaning); the rest keep their defaults. */
export const SHARED_INPUTS: InputName[] = [
  'files',
  'targets',
  'workdir',
  'registry',
  'image-prefix',
  'images',
  'set',
  'username',
  'password',
  'github-token'
]

export interface CleanupInputs {
  shared: Inputs
  /** Set: clean this pull request only. */
  pullRequest?: number
  olderThanDays: number
  dryRun: boolean
  registryApi: 'auto' | RegistryApi
  packagesToken: string
  prComment: boolean
}

export function parseCleanupInputs(get: (name: string) => string): CleanupInputs {
  const shared = parseInputs(name => (SHARED_INPUTS.includes(name) ? get(name) : ''))
  const pr = get('pull-request').trim()
  if (pr && !/^[1-9]\d*$/.test(pr))
    throw new Error(`Invalid pull-request '${pr}'. Expected a pull request number.`)
  const days = get('older-than').trim() || '7'
  if (!/^\d+$/.test(days)) throw new Error(`Invalid older-than '${days}'. Expected a whole number of days.`)
  const api = (get('registry-api').trim() || 'auto').toLowerCase()
  if (!['auto', 'github-packages', 'distribution'].includes(api)) {
    throw new Error(`Invalid registry-api '${api}'. Expected auto, github-packages or distribution.`)
  }
  const inputs: CleanupInputs = {
    shared,
    pullRequest: pr ? Number(pr) : undefined,
    olderThanDays: Number(days),
    dryRun: parseBoolean('dry-run', get('dry-run'), false),
    registryApi: api as CleanupInputs['registryApi'],
    packagesToken: get('packages-token').trim(),
    prComment: parseBoolean('pr-comment', get('pr-comment'), true)
  }
  maskSecret(inputs.packagesToken)
  for (const [k, v] of Object.entries(inputs)) {
    if (k !== 'shared' && k !== 'packagesToken') core.debug(`input ${k}: ${JSON.stringify(v)}`)
  }
  return inputs
}

export function getCleanupInputs(): CleanupInputs {
  return parseCleanupInputs(name => core.getInput(name))
}
