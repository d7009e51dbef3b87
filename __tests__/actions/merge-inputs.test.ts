import { describe, expect, it } from '@jest/globals'
import { parseMergeInputs } from '../../src/actions/merge/inputs.js'
import { planDocument } from '../helpers/plan-fixture.js'

const plan = JSON.stringify(
  planDocument({
    version: 'v1',
    tags: ['v1'],
    images: [{ target: 'api', image: 'ghcr.io/o/api', platforms: ['linux/amd64'] }]
  })
)
const get = (values: Record<string, string>) => (name: string) => values[name] ?? ''

describe('parseMergeInputs', () => {
  it('defaults: no overwrite, attestations required', () => {
    const i = parseMergeInputs(get({ plan, digests: 'digests' }))
    expect(i).toMatchObject({ overwrite: false, attestations: true, builder: '', digests: 'digests' })
    expect(i.plan.images[0].target).toBe('api')
  })

  it('reads the switches and rejects other values', () => {
    expect(parseMergeInputs(get({ plan, overwrite: 'true', attestations: 'false' }))).toMatchObject({
      overwrite: true,
      attestations: false
    })
    expect(() => parseMergeInputs(get({ plan, overwrite: 'yes' }))).toThrow(
      "Invalid overwrite 'yes'. Expected true or false."
    )
  })

  it('pr-comment: on by default like the main action, off with false', () => {
    expect(parseMergeInputs(get({ plan })).prComment).toBe(true)
    expect(parseMergeInputs(get({ plan, 'pr-comment': 'false' })).prComment).toBe(false)
    expect(() => parseMergeInputs(get({ plan, 'pr-comment': 'no' }))).toThrow("Invalid pr-comment 'no'")
  })

  it('a missing plan says how to pass it', () => {
    expect(() => parseMergeInputs(get({}))).toThrow('needs.plan.outputs.plan')
  })
})
