import { describe, expect, it } from '@jest/globals'
import { normalizeImageName, sanitizeTag, tagProblem } from '../../src/2-tags/index.js'

describe('sanitizeTag', () => {
  it.each([
    ['feature/login', 'feature-login'],
    ['Feature/Login', 'Feature-Login'],
    ['#42-fix', '42-fix'],
    ['..hidden', 'hidden'],
    ['-x', 'x'],
    ['a  b//c', 'a-b-c'],
    ['v1.2.3+build.5', 'v1.2.3-build.5'],
    ['ünïcode', 'n-code'],
    ['###', ''],
    ['a'.repeat(200), 'a'.repeat(128)]
  ])('%j -> %j', (input, expected) => {
    const out = sanitizeTag(input)
    expect(out).toBe(expected)
    if (out) expect(tagProblem(out)).toBeUndefined()
  })
})

describe('normalizeImageName', () => {
  it.each([
    ['name/app', 'name/app'],
    ['Name/App', 'name/app'],
    ['ghcr.io/Owner/Repo', 'ghcr.io/owner/repo'],
    ['localhost:5000/a/b', 'localhost:5000/a/b'],
    ['registry.example.com:443/team/img_a__b-c.d', 'registry.example.com:443/team/img_a__b-c.d'],
    ['alpine', 'alpine']
  ])('%j -> %j', (input, expected) => {
    expect(normalizeImageName(input)).toBe(expected)
  })

  it.each([
    '',
    'name/app:tag',
    'name/app@sha256:abc',
    'my image',
    '-name/app',
    'name//app',
    'name/app_',
    'name/a___b'
  ])('rejects %j', input => {
    expect(() => normalizeImageName(input)).toThrow('Invalid image name')
  })
})
