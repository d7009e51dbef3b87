// Which API deletes an image's manifests, and one Packages API per package owner (the API itself runs against
// the GitHub Packages fake in the e2e suite, preview-cleanup.test.ts).
import { describe, expect, it } from '@jest/globals'
import { packageOf, packagesApiFor, registryApiOf } from '../../src/6-registry/packages.js'

describe('GitHub Packages', () => {
  it('deletes ghcr.io images, unless the registry-api input says otherwise', () => {
    expect(registryApiOf('ghcr.io/blacklake/api')).toBe('github-packages')
    expect(registryApiOf('localhost:5000/blacklake/api')).toBe('distribution')
    expect(registryApiOf('ghcr.io/blacklake/api', 'distribution')).toBe('distribution')
    expect(registryApiOf('localhost:5000/blacklake/api', 'github-packages')).toBe('github-packages')
  })

  it('names the package after everything past the owner', () => {
    expect(packageOf('blacklake/tools/api')).toEqual({ owner: 'blacklake', name: 'tools/api' })
    expect(() => packageOf('api')).toThrow(/names no package: expected OWNER\/NAME/)
  })

  it('makes one API per owner, and none for images the registry deletes', () => {
    const apiFor = packagesApiFor({ token: 't', repositoryOwner: 'BlackLake', repositoryOwnerType: 'User' })
    expect(apiFor('localhost:5000/blacklake/api')).toBeUndefined()
    const api = apiFor('ghcr.io/blacklake/api')
    expect(api).toBeDefined()
    expect(apiFor('ghcr.io/blacklake/ui')).toBe(api)
    expect(apiFor('ghcr.io/other/ui')).not.toBe(api)
  })
})
