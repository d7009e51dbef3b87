import { describe, expect, it } from '@jest/globals'
import { parseChallenge } from '../../src/6-registry/auth.js'

describe('parseChallenge', () => {
  it.each([
    [
      'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:o/i:pull"',
      {
        scheme: 'bearer',
        params: { realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:o/i:pull' }
      }
    ],
    [
      'Bearer realm="https://auth.docker.io/token", service="registry.docker.io", scope="repository:library/alpine:pull,push"',
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:library/alpine:pull,push'
        }
      }
    ],
    ['Basic realm="multiarch-e2e"', { scheme: 'basic', params: { realm: 'multiarch-e2e' } }],
    [
      'Bearer realm=https://x/token,error=insufficient_scope',
      { scheme: 'bearer', params: { realm: 'https://x/token', error: 'insufficient_scope' } }
    ]
  ])('%s', (header, expected) => {
    expect(parseChallenge(header)).toEqual(expected)
  })
})
