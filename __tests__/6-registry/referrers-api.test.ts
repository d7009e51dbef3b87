import { describe, expect, it } from '@jest/globals'
import { fallbackTagSubject, referrersTag } from '../../src/6-registry/referrers-api.js'

describe('referrers tag schema', () => {
  const digest = 'sha256:' + 'ab'.repeat(32)

  it('names the fallback tag after the subject digest', () => {
    expect(referrersTag(digest)).toBe('sha256-' + 'ab'.repeat(32))
    expect(() => referrersTag('latest')).toThrow("Not a digest: 'latest'")
  })

  it("reads the subject back from a fallback tag, and from cosign 2's .sig/.att/.sbom tags", () => {
    expect(fallbackTagSubject(referrersTag(digest))).toBe(digest)
    expect(fallbackTagSubject(`${referrersTag(digest)}.sig`)).toBe(digest)
    expect(fallbackTagSubject('sha256-abc')).toBeUndefined()
    expect(fallbackTagSubject('v1.2.3')).toBeUndefined()
  })
})
