// The signature pieces of the report: the cosign verify command (summary, PR comment) and the CLI table.
import { describe, expect, it } from '@jest/globals'
import { verifyCommand } from '../../src/7-publish/sign/command.js'
import { signatureSection, verifyRows, verifyTable } from '../../src/8-report/signatures.js'
import { renderComment } from '../../src/8-report/pr-comment.js'
import { emptyReport, type TargetResult } from '../../src/7-publish/results.js'
import { renderSummary } from '../../src/8-report/summary.js'

const digest = 'sha256:' + 'be'.repeat(32)
const identity = 'https://github.com/blacklake/demo/.github/workflows/release.yml@refs/tags/v1.2.3'
const issuer = 'https://token.actions.githubusercontent.com'

describe('verifyCommand', () => {
  it('keyless: identity and issuer filled in, no quoting needed for GitHub identities', () => {
    expect(verifyCommand(`ghcr.io/blacklake/api@${digest}`, { identity, issuer })).toBe(
      `cosign verify --certificate-identity ${identity} --certificate-oidc-issuer ${issuer} ghcr.io/blacklake/api@${digest}`
    )
  })
  it('a private instance adds its trusted root; a key uses --key without the log', () => {
    expect(verifyCommand('r/i@' + digest, { identity, issuer, trustedRoot: 'trusted_root.json' })).toContain(
      'cosign verify --trusted-root trusted_root.json --certificate-identity'
    )
    expect(verifyCommand('r/i@' + digest, { publicKeyFile: 'signing-key.pub' })).toBe(
      `cosign verify --key signing-key.pub --insecure-ignore-tlog=true r/i@${digest}`
    )
  })
  it('quotes words a shell would split or expand', () => {
    expect(verifyCommand('r/i', { identity: "a b'c", issuer: '$x' })).toBe(
      `cosign verify --certificate-identity 'a b'\\''c' --certificate-oidc-issuer '$x' r/i`
    )
  })
})

const row = (signature?: TargetResult['signature']): TargetResult => ({
  target: 'api',
  image: 'ghcr.io/blacklake/api',
  platforms: ['linux/amd64'],
  requestedTags: ['ghcr.io/blacklake/api:v1.2.3'],
  tags: ['ghcr.io/blacklake/api:v1.2.3'],
  withheld: [],
  digest,
  platformDigests: {},
  pushed: true,
  status: 'pushed',
  reason: 'tagged',
  signature
})
const signature = {
  mode: 'keyless' as const,
  signed: 5,
  identity,
  issuer,
  verifyCommand: verifyCommand(`ghcr.io/blacklake/api@${digest}`, { identity, issuer })
}

describe('summary and PR comment', () => {
  it('the summary shows each signed image with its command, and nothing when unsigned', () => {
    const report = { ...emptyReport(), targets: [row(signature)] }
    expect(renderSummary(report)).toContain(`# api: 5 manifest(s) signed\n${signature.verifyCommand}\n`)
    expect(signatureSection([row()])).toEqual([])
    expect(renderSummary({ ...emptyReport(), targets: [row()] })).not.toContain('cosign verify')
  })
  it('the PR comment puts the command beside docker pull', () => {
    const body = renderComment('<!-- m -->', [
      {
        image: 'ghcr.io/blacklake/api',
        tags: ['pr-7'],
        digest,
        platforms: ['linux/amd64'],
        attestations: true,
        verify: signature.verifyCommand
      }
    ])
    expect(body).toContain(`docker pull ghcr.io/blacklake/api@${digest}`)
    expect(body).toContain(`${signature.verifyCommand}\n\`\`\``)
  })
})

describe('verifyTable', () => {
  it('aligns one row per index and platform', () => {
    const table = verifyTable([
      {
        reference: 'r/i:v1',
        platform: 'index',
        digest,
        signature: 'verified',
        identity,
        sbom: true,
        provenance: true
      },
      {
        reference: 'r/i:v1',
        platform: 'linux/arm64',
        digest,
        signature: 'unsigned',
        identity: '',
        sbom: false,
        provenance: true
      }
    ]).split('\n')
    expect(table[0]).toMatch(/^IMAGE\s+PLATFORM\s+DIGEST\s+SIGNATURE\s+IDENTITY\s+SBOM\s+PROVENANCE$/)
    expect(table[1]).toMatch(
      new RegExp(
        `^r/i:v1\\s+index\\s+sha256:bebebebebebe\\s+verified\\s+${identity.replace(/[.]/g, '\\.')}\\s+yes\\s+yes$`
      )
    )
    expect(table[2]).toMatch(/linux\/arm64\s+sha256:bebebebebebe\s+unsigned\s+-\s+no\s+yes$/)
  })
})

describe('verifyRows', () => {
  const platform = (p: string, sbom: boolean) => ({
    platform: p,
    digest: `sha256:${p === 'linux/amd64' ? 'a' : 'b'}`,
    verdict: 'verified',
    identity: 'id',
    sbom,
    provenance: true
  })

  it('the index first, with SBOM and provenance only when every platform has them, then each platform', () => {
    const rows = verifyRows('r:v1', {
      reference: 'r:v1',
      index: { digest: 'sha256:i', verdict: 'verified', identity: 'id' },
      platforms: [platform('linux/amd64', true), platform('linux/arm64', false)]
    })
    expect(rows.map(r => [r.platform, r.sbom, r.provenance])).toEqual([
      ['index', false, true],
      ['linux/amd64', true, true],
      ['linux/arm64', false, true]
    ])
    const bare = verifyRows('r:v1', {
      reference: 'r:v1',
      index: { digest: 'sha256:i', verdict: 'no signatures found', identity: '' },
      platforms: []
    })
    expect(bare).toEqual([
      {
        reference: 'r:v1',
        platform: 'index',
        digest: 'sha256:i',
        signature: 'no signatures found',
        identity: '',
        sbom: false,
        provenance: false
      }
    ])
  })
})
