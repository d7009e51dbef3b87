// How the report shows signatures: per image, the exact `cosign verify` command a consumer runs (identity and
// issuer from the certificate the run got, or the key), in the job summary and the PR comment; and the CLI's
// `verify` table.
import type { TargetSignature } from '../7-publish/sign/command.js'
import type { ImageVerification } from '../7-publish/sign/verify-images.js'

/** The summary's signature block: one command per signed image; [] when nothing was signed. */
export function signatureSection(targets: { target: string; signature?: TargetSignature }[]): string[] {
  const signed = targets.filter(t => t.signature)
  if (!signed.length) return []
  const lines = [
    '',
    '**Signatures** (Sigstore bundles, stored as OCI referrers; verify with cosign 3):',
    '',
    '```sh'
  ]
  for (const t of signed)
    lines.push(`# ${t.target}: ${t.signature?.signed} manifest(s) signed`, t.signature?.verifyCommand ?? '')
  lines.push('```')
  return lines
}

/** One row of `multiarch-action verify`. */
export interface VerifyRow {
  reference: string
  platform: string
  digest: string
  /** 'verified' or why not. */
  signature: string
  identity: string
  sbom: boolean
  provenance: boolean
}

/** The rows of one verified image: its index (SBOM and provenance when every platform has them), then each platform. */
export function verifyRows(reference: string, v: ImageVerification): VerifyRow[] {
  const all = v.platforms
  return [
    {
      reference,
      platform: 'index',
      digest: v.index.digest,
      signature: v.index.verdict,
      identity: v.index.identity,
      sbom: all.length > 0 && all.every(p => p.sbom),
      provenance: all.length > 0 && all.every(p => p.provenance)
    },
    ...all.map(p => ({
      reference,
      platform: p.platform,
      digest: p.digest,
      signature: p.verdict,
      identity: p.identity,
      sbom: p.sbom,
      provenance: p.provenance
    }))
  ]
}

/** The CLI's table: fixed-width columns, one row per index and platform manifest. */
export function verifyTable(rows: VerifyRow[]): string {
  const head = ['IMAGE', 'PLATFORM', 'DIGEST', 'SIGNATURE', 'IDENTITY', 'SBOM', 'PROVENANCE']
  const body = rows.map(r => [
    r.reference,
    r.platform,
    r.digest.slice(0, 19),
    r.signature,
    r.identity || '-',
    r.sbom ? 'yes' : 'no',
    r.provenance ? 'yes' : 'no'
  ])
  const widths = head.map((h, i) => Math.max(h.length, ...body.map(b => b[i].length)))
  return [head, ...body]
    .map(cols =>
      cols
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd()
    )
    .join('\n')
}
