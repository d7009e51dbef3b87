import { describe, expect, it } from '@jest/globals'
import { jsonFixture } from '../helpers/bake-fixtures.js'
import { type ManifestJson, platformManifests } from '../../src/6-registry/manifest.js'

describe('pushed index', () => {
  it('maps platforms to manifests, leaving attestation manifests out (captured imagetools inspect --raw)', () => {
    const index = jsonFixture<ManifestJson>('index-raw.json')
    expect(index.manifests).toHaveLength(4)
    expect(platformManifests(index)).toEqual({
      'linux/amd64': 'sha256:b3c37f13017b50c69cc1f434330c1c535f472ec6b4bc3bf8d91a791dee4d17ed',
      'linux/arm64': expect.stringMatching(/^sha256:829c56a7/)
    })
  })
})
