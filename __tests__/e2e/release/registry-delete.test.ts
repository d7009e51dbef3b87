// The registry client's delete side against the real registries (distribution 2.8 of scripts/e2e-env.sh): the
// probe that tells a registry that deletes from one that refuses, DELETE by digest (which takes the manifest's
// tags along), a tag removed alone through a placeholder, and the referrers API this registry does not have.
import { beforeAll, describe, expect, it, jest } from '@jest/globals'
import { e2eEnv, registryTags } from '../../../scripts/harness/e2e.mjs'
import { RegistryClient } from '../../../src/6-registry/client.js'
import { DeleteRefusedError } from '../../../src/6-registry/delete.js'
import { pushPlaceholder } from '../../../src/6-registry/untag.js'
import { seedImage, type Seeded } from './registry-seed.js'

const env = await e2eEnv()
const OPEN = env.E2E_REGISTRY
const AUTH = env.E2E_AUTH_REGISTRY
const repo = `e2e-delete/r${Date.now().toString(36)}`
const image = `${OPEN}/${repo}`
const fast = { retries: 1, minTimeoutMs: 10, maxTimeoutMs: 50 }
jest.spyOn(process.stdout, 'write').mockImplementation(() => true)

let seeded: Seeded
beforeAll(async () => {
  seeded = await seedImage(OPEN, repo, ['pr-42', 'pr-42-abc1234', 'v1.2.3'])
})

describe('deleting through the distribution API', () => {
  const client = new RegistryClient({ retry: fast })

  it('probes a registry that allows deletes without changing anything', async () => {
    const before = await registryTags(image)
    await expect(client.probeDelete(image)).resolves.toBeUndefined()
    expect(await registryTags(image)).toEqual(before)
  })

  it('removes one tag alone: the manifest stays under its other tags, no placeholder is left', async () => {
    const placeholder = await pushPlaceholder(client, image, 'pr-42-abc1234')
    expect(await client.headDigest(`${image}:pr-42-abc1234`)).toBe(placeholder)
    expect(await client.deleteManifest(image, placeholder)).toBe('deleted')
    expect(await registryTags(image)).toEqual(['pr-42', 'v1.2.3'])
    expect(await client.headDigest(`${image}:v1.2.3`)).toBe(seeded.digest)
    expect(await client.getManifest(`${image}@${placeholder}`)).toBeUndefined()
  })

  it('deletes by digest, taking every tag on the manifest along; a second delete finds it absent', async () => {
    const amd64 = seeded.platforms['linux/amd64']
    expect(await client.deleteManifest(image, amd64)).toBe('deleted')
    expect(await client.getManifest(`${image}@${amd64}`)).toBeUndefined()
    expect(await client.deleteManifest(image, amd64)).toBe('absent')
    expect(await client.deleteManifest(image, seeded.digest)).toBe('deleted')
    expect(await registryTags(image)).toEqual([])
  })

  it('refuses to send a DELETE for something that is not a digest', async () => {
    await expect(client.deleteManifest(image, 'v1.2.3')).rejects.toThrow(/not a digest/)
  })

  it('finds no referrers API on distribution 2.8 (the fallback tags are used instead)', async () => {
    expect(await client.referrers(image, seeded.platforms['linux/arm64'])).toBeUndefined()
  })

  it('says which credentials cannot delete on the htpasswd registry', async () => {
    const err = await new RegistryClient({ retry: fast }).probeDelete(`${AUTH}/${repo}`).catch(e => e)
    expect(err).toBeInstanceOf(DeleteRefusedError)
    expect((err as Error).message).toMatch(
      /^The registry localhost:\d+ refused to delete from localhost:\d+\/e2e-delete\/\S+ with these credentials \(HTTP 401/
    )
  })
})
