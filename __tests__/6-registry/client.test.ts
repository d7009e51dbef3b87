import { describe, expect, it } from '@jest/globals'
import { nextLink } from '../../src/6-registry/client.js'
import { imageName, parseImageRef } from '../../src/6-registry/reference.js'

describe('parseImageRef', () => {
  it.each([
    ['localhost:5000/ns/img', { registry: 'localhost:5000', repository: 'ns/img' }],
    ['localhost:5000/ns/img:v1.2.3', { registry: 'localhost:5000', repository: 'ns/img', tag: 'v1.2.3' }],
    ['localhost/img:1', { registry: 'localhost', repository: 'img', tag: '1' }],
    ['ghcr.io/o/i', { registry: 'ghcr.io', repository: 'o/i' }],
    [
      'ghcr.io/o/i:pr-1@sha256:' + 'a'.repeat(64),
      { registry: 'ghcr.io', repository: 'o/i', tag: 'pr-1', digest: 'sha256:' + 'a'.repeat(64) }
    ],
    ['alpine', { registry: 'docker.io', repository: 'library/alpine' }],
    ['alpine:3.20', { registry: 'docker.io', repository: 'library/alpine', tag: '3.20' }],
    [
      'moby/buildkit:buildx-stable-1',
      { registry: 'docker.io', repository: 'moby/buildkit', tag: 'buildx-stable-1' }
    ],
    ['docker.io/library/alpine', { registry: 'docker.io', repository: 'library/alpine' }],
    ['index.docker.io/moby/buildkit', { registry: 'docker.io', repository: 'moby/buildkit' }],
    ['127.0.0.1:5001/a/b/c', { registry: '127.0.0.1:5001', repository: 'a/b/c' }],
    [
      'registry.example.com:8443/team/app_1.x-y',
      { registry: 'registry.example.com:8443', repository: 'team/app_1.x-y' }
    ]
  ])('%s', (ref, expected) => {
    expect(parseImageRef(ref)).toEqual({ tag: undefined, digest: undefined, ...expected })
  })

  it.each(['Upper/Case', 'ghcr.io/o/i@sha256', 'ghcr.io/', 'ghcr.io/o/i:bad tag', 'a//b'])(
    'rejects %s',
    ref => {
      expect(() => parseImageRef(ref)).toThrow(/Invalid/)
    }
  )

  it('imageName', () => {
    expect(imageName(parseImageRef('alpine'))).toBe('docker.io/library/alpine')
  })
})

describe('nextLink', () => {
  it.each([
    [
      '</v2/ns/img/tags/list?last=b&n=2>; rel="next"',
      'http://127.0.0.1:5000/v2/ns/img/tags/list?n=2',
      'http://127.0.0.1:5000/v2/ns/img/tags/list?last=b&n=2'
    ],
    [
      '<https://ghcr.io/v2/o/i/tags/list?last=x&n=100>; rel=next',
      'https://ghcr.io/v2/o/i/tags/list',
      'https://ghcr.io/v2/o/i/tags/list?last=x&n=100'
    ],
    ['</a>; rel="prev", </b>; rel="next"', 'https://h/x', 'https://h/b'],
    [null, 'https://h/x', undefined]
  ])('%s', (header, base, expected) => {
    expect(nextLink(header, base)).toBe(expected)
  })
})
