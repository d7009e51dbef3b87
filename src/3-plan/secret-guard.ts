// Secret guard: `mode=max` provenance records every build argument's value in an attestation that anyone who
// can pull the image can read (https://docs.docker.com/build/metadata/attestations/slsa-provenance/). Before
// building, refuse build args that look like credentials — by name or by value — and point to build secrets.
// Findings name the target and the argument, never the value. Two checks: one on the inputs before anything is
// set up (fails fast), and one on the FINAL definition — the user's files, the action's override file and the
// `set` lines, as `bake --print` resolves them — because a `set` line (`*.attest=type=provenance,mode=max`) or a
// target the override leaves alone (non-image output) can turn max provenance on whatever the inputs say.
import { detectSecretValue, isCredentialName } from '../lib/secret-shapes.js'

export interface SecretFinding {
  target: string
  arg: string
  /** Why it was flagged: `name` (credential-like name) or the detected token format, e.g. `GitHub token`. */
  why: string
}

/** The subset of `docker buildx bake --print` JSON this module reads. */
export interface BakeDefinition {
  target?: Record<
    string,
    { args?: Record<string, string | null | undefined>; attest?: unknown[] } | undefined
  >
}

export { detectSecretValue, isCredentialName }

/**
 * Build args of every target in `definition` that look like credentials. `allow` lists argument names the user
 * accepted (compared case-insensitively); `true` accepts everything.
 */
export function findSecretBuildArgs(
  definition: BakeDefinition,
  allow: boolean | string[] = false
): SecretFinding[] {
  if (allow === true) return []
  const allowed = new Set((allow || []).map(a => a.toUpperCase()))
  const findings: SecretFinding[] = []
  for (const [target, spec] of Object.entries(definition.target ?? {})) {
    for (const [arg, value] of Object.entries(spec?.args ?? {})) {
      if (allowed.has(arg.toUpperCase())) continue
      const format = typeof value === 'string' ? detectSecretValue(value) : undefined
      if (format) findings.push({ target, arg, why: `value looks like a ${format}` })
      else if (isCredentialName(arg) && typeof value === 'string' && value !== '') {
        findings.push({ target, arg, why: 'name looks like a credential' })
      }
    }
  }
  return findings
}

/** True when provenance records build-arg values: `mode=max` (also inside `type=provenance,mode=max,...`). */
export function provenanceRecordsArgs(provenance: string): boolean {
  return /(?:^|,)\s*mode\s*=\s*max\s*(?:,|$)/i.test(provenance) || provenance.trim().toLowerCase() === 'max'
}

/**
 * Throws when provenance is `mode=max` and a target has a credential-like build arg. `input` names the opt-out
 * in the message. Returns the findings that were allowed through (none when it did not throw for them).
 */
export function assertNoSecretBuildArgs(
  definition: BakeDefinition,
  {
    provenance,
    allow = false,
    input = 'allow-secret-build-args',
    source = ''
  }: { provenance: string; allow?: boolean | string[]; input?: string; source?: string }
): SecretFinding[] {
  if (!provenanceRecordsArgs(provenance)) return []
  const findings = findSecretBuildArgs(definition, allow)
  if (findings.length === 0) return allow === false ? [] : findSecretBuildArgs(definition, false)
  const lines = findings.map(f => `  target "${f.target}", build arg ${f.arg}: ${f.why}`)
  throw new Error(
    [
      `Refusing to build: provenance mode=max${source} records build-arg values in an attestation anyone who can pull the image can read.`,
      ...lines,
      `Pass credentials as build secrets instead (bake: secret = ["id=${findings[0].arg.toLowerCase()},env=${findings[0].arg}"];` +
        ` Dockerfile: RUN --mount=type=secret,id=${findings[0].arg.toLowerCase()} ...; CLI: --secret).`,
      `If these are not credentials, list them in \`${input}\` (or set it to \`true\`), or use provenance mode=min.`
    ].join('\n')
  )
}

/**
 * True when a target's resolved `attest` list records build-arg values: a provenance entry with mode=max that is
 * not disabled. buildx < 0.19 prints entries as CSV strings, newer ones as objects; both are read.
 */
export function attestRecordsArgs(attest: unknown[] | undefined): boolean {
  return (attest ?? []).some(entry => {
    let fields: Record<string, unknown>
    if (typeof entry === 'string') {
      fields = Object.fromEntries(
        entry.split(',').map(f => {
          const eq = f.indexOf('=')
          return eq < 0
            ? [f.trim().toLowerCase(), '']
            : [f.slice(0, eq).trim().toLowerCase(), f.slice(eq + 1).trim()]
        })
      )
    } else if (entry && typeof entry === 'object') {
      fields = Object.fromEntries(Object.entries(entry).map(([k, v]) => [k.toLowerCase(), v]))
    } else return false
    const disabled = fields.disabled === true || String(fields.disabled ?? '').toLowerCase() === 'true'
    return (
      String(fields.type ?? '').toLowerCase() === 'provenance' &&
      !disabled &&
      String(fields.mode ?? '').toLowerCase() === 'max'
    )
  })
}

/**
 * The guard on the final definition (files + override file + `set` lines, as `bake --print` resolved them):
 * every target whose resolved attestations record build args is checked, whatever turned provenance on.
 */
export function assertFinalDefinition(
  definition: BakeDefinition,
  { allow = false, input = 'allow-secret-build-args' }: { allow?: boolean | string[]; input?: string } = {}
): SecretFinding[] {
  const recording: BakeDefinition = { target: {} }
  for (const [name, t] of Object.entries(definition.target ?? {})) {
    if (attestRecordsArgs(t?.attest)) (recording.target as Record<string, typeof t>)[name] = t
  }
  return assertNoSecretBuildArgs(recording, {
    provenance: 'mode=max',
    allow,
    input,
    source: ' (as the final bake definition resolves it: files, override file and set lines)'
  })
}
