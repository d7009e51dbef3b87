// Reads back what the action published, from the registry itself, for the self-test workflow on GitHub's runners
// (.github/workflows/self-test.yml): the action's `images` output (env IMAGES) says what it claims; every claim is
// checked with `docker buildx imagetools inspect --raw`, which uses the same registry login as the step did:
// - every target pushed, with tags; every tag resolves to the reported index digest (sha256 of the raw index);
// - the index holds each platform of --platforms;
// - one attestation manifest per platform manifest, carrying an SPDX SBOM and SLSA provenance.
// Exits 1 listing every difference. Usage: IMAGES='{…}' node scripts/self-test-check.mjs --platforms a,b
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'

const arg = name => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : undefined
}
const platforms = (arg('platforms') ?? 'linux/amd64,linux/arm64').split(',')
const images = JSON.parse(process.env.IMAGES || '{}')
const problems = []

/** The raw manifest or index a reference names, and its digest. */
function raw(ref) {
  const text = execFileSync('docker', ['buildx', 'imagetools', 'inspect', '--raw', ref], { encoding: 'utf8' })
  return { json: JSON.parse(text), digest: `sha256:${createHash('sha256').update(text).digest('hex')}` }
}

const platformOf = p => [p.os, p.architecture, p.variant].filter(Boolean).join('/')
const isAttestation = m => m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest'

if (Object.keys(images).length === 0) problems.push('the images output is empty')
for (const [target, t] of Object.entries(images)) {
  try {
    check(target, t)
  } catch (e) {
    problems.push(
      `${target}: ${
        String(e.stderr || e.message)
          .trim()
          .split('\n')[0]
      }`
    )
  }
}

function check(target, t) {
  if (!t.pushed) problems.push(`${target}: not pushed`)
  if (!t.tags?.length) problems.push(`${target}: no tags`)
  for (const tag of t.tags ?? []) {
    const index = raw(tag)
    if (index.digest !== t.digest) problems.push(`${tag} is ${index.digest}, the action reported ${t.digest}`)
  }
  const index = raw(`${t.image}@${t.digest}`).json
  const manifests = index.manifests ?? []
  const found = manifests.filter(m => !isAttestation(m)).map(m => platformOf(m.platform))
  for (const p of platforms)
    if (!found.includes(p)) problems.push(`${target}: no ${p} in ${found.join(', ')}`)
  for (const m of manifests.filter(m => !isAttestation(m))) {
    const att = manifests.filter(
      a => isAttestation(a) && a.annotations['vnd.docker.reference.digest'] === m.digest
    )
    if (att.length !== 1) {
      problems.push(`${target} ${platformOf(m.platform)}: ${att.length} attestation manifests`)
      continue
    }
    const layers = raw(`${t.image}@${att[0].digest}`).json.layers ?? []
    const types = layers.map(l => l.annotations?.['in-toto.io/predicate-type'] ?? '')
    if (!types.some(x => x.startsWith('https://spdx.dev/')))
      problems.push(`${target} ${platformOf(m.platform)}: no SBOM`)
    if (!types.some(x => x.startsWith('https://slsa.dev/provenance/')))
      problems.push(`${target} ${platformOf(m.platform)}: no provenance`)
  }
  console.log(`${target}: ${t.image}@${t.digest} [${found.join(', ')}] tags ${(t.tags ?? []).join(' ')}`)
}

if (problems.length) {
  for (const p of problems) console.error(`::error::${p}`)
  process.exit(1)
}
console.log('self-test: the registry holds what the action reported')
