// The cleanup sub-action's inputs: the main action's parser for the shared ones, its own checked here; and
// cleanup/action.yml declares exactly what the code reads, with the same defaults.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import * as yaml from 'js-yaml'
import { parseCleanupInputs, SHARED_INPUTS } from '../../src/actions/cleanup/inputs.js'
import { INPUT_DEFAULTS } from '../../src/1-context/inputs.js'

const repo = path.resolve(import.meta.dirname, '../..')
const action = yaml.load(readFileSync(path.join(repo, 'cleanup/action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>
  runs: { using: string; main: string }
}
const get = (values: Record<string, string>) => (name: string) =>
  values[name] ?? (name === 'github-token' ? '' : String(action.inputs[name]?.default ?? ''))

describe('cleanup inputs', () => {
  it('declares the shared inputs with the main action’s defaults, and runs its own bundle on node24', () => {
    for (const name of SHARED_INPUTS) {
      const d = action.inputs[name]?.default ?? ''
      expect({ name, d: name === 'github-token' ? '' : d }).toEqual({ name, d: INPUT_DEFAULTS[name] })
    }
    expect(action.runs).toEqual({ using: 'node24', main: '../dist/cleanup/index.js' })
  })

  it('reads the defaults', () => {
    const i = parseCleanupInputs(get({}))
    expect(i).toMatchObject({
      pullRequest: undefined,
      olderThanDays: 7,
      dryRun: false,
      registryApi: 'auto',
      packagesToken: '',
      prComment: true
    })
    expect(i.shared.registry).toBe('ghcr.io')
    expect(i.shared.targets).toEqual(['default'])
  })

  it('reads its own', () => {
    const i = parseCleanupInputs(
      get({ 'pull-request': '42', 'older-than': '0', 'dry-run': 'true', 'registry-api': 'Distribution' })
    )
    expect(i).toMatchObject({ pullRequest: 42, olderThanDays: 0, dryRun: true, registryApi: 'distribution' })
  })

  it.each([
    [{ 'pull-request': '#42' }, /Invalid pull-request '#42'. Expected a pull request number/],
    [{ 'pull-request': '0' }, /Invalid pull-request/],
    [{ 'older-than': '7d' }, /Invalid older-than '7d'. Expected a whole number of days/],
    [{ 'registry-api': 'ecr' }, /Invalid registry-api 'ecr'. Expected auto, github-packages or distribution/],
    [{ 'dry-run': 'yes' }, /Invalid dry-run 'yes'. Expected true or false/]
  ])('refuses %j', (values, message) => {
    expect(() => parseCleanupInputs(get(values as Record<string, string>))).toThrow(message)
  })
})
