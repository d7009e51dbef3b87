// Secret guard: `mode=max` provenance records every build argument's value in an attestation that anyone who
// can pull the image can read (https://docs.docker.com/build/metadata/attestations/slsa-provenance/). Before
// building, refuse build args that look like credentials — by name or by value — and point to build secrets.
// Findings name the target and the argument, never the value.

export interface SecretFinding {
  target: string
  arg: string
  /** Why it was flagged: `name` (credential-like name) or the detected token format, e.g. `GitHub token`. */
  why: string
}

/** The subset of `docker buildx bake --print` JSON this module reads. */
export interface BakeDefinition {
  target?: Record<string, { args?: Record<string, string | null | undefined> } | undefined>
}

// Word parts (split on `_`, `-`, `.` and camelCase) that make a name credential-like. A part matches when it is
// one of these or ends with one (`DBPASSWORD`, `NPMTOKEN`); KEY only as a whole part or in known compounds, so
// `KEYBOARD_LAYOUT`, `MONKEY` and `TURKEY` do not match.
const SECRET_WORDS = ['TOKEN', 'TOKENS', 'SECRET', 'SECRETS', 'PASSWORD', 'PASSWORDS', 'PASSWD', 'PASSPHRASE']
const KEY_WORDS = new Set([
  'KEY',
  'KEYS',
  'APIKEY',
  'ACCESSKEY',
  'SECRETKEY',
  'PRIVATEKEY',
  'SSHKEY',
  'AUTHKEY',
  'LICENSEKEY',
  'MASTERKEY',
  'SIGNINGKEY',
  'ENCRYPTIONKEY',
  'CREDENTIAL',
  'CREDENTIALS',
  'CREDS'
])
// A credential word followed by one of these names something about the credential, not the credential itself
// (`TOKEN_URL`, `SSH_KEY_PATH`, `GPG_KEY_ID`); one preceded by these is not secret (`PUBLIC_KEY`, `CACHE_KEY`).
const METADATA_AFTER = new Set([
  'ID',
  'NAME',
  'URL',
  'URI',
  'PATH',
  'FILE',
  'DIR',
  'TYPE',
  'ENDPOINT',
  'HOST',
  'SERVER',
  'LENGTH',
  'FORMAT'
])
const HARMLESS_BEFORE = new Set(['PUBLIC', 'PUB', 'CACHE', 'SORT', 'PRIMARY', 'PARTITION', 'FOREIGN'])

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .split(/[_\-.\s]+/)
    .filter(Boolean)
    .map(w => w.toUpperCase())
}

/** True when a build-arg name looks like it carries a credential. */
export function isCredentialName(name: string): boolean {
  const parts = words(name)
  return parts.some((part, i) => {
    const credential = KEY_WORDS.has(part) || SECRET_WORDS.some(w => part === w || part.endsWith(w))
    if (!credential) return false
    if (i + 1 < parts.length && METADATA_AFTER.has(parts[i + 1])) return false
    if (i > 0 && HARMLESS_BEFORE.has(parts[i - 1])) return false
    return true
  })
}

// Well-known token formats (public, documented prefixes). Anchored on word boundaries so substrings of longer
// identifiers do not match by accident.
const VALUE_PATTERNS: [string, RegExp][] = [
  ['GitHub token', /\bgh[pousr]_[A-Za-z0-9]{30,}/],
  ['GitHub fine-grained token', /\bgithub_pat_[A-Za-z0-9_]{20,}/],
  ['GitLab token', /\bglpat-[A-Za-z0-9_-]{20,}/],
  ['AWS access key', /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['Slack token', /\bxox[abposr]-[A-Za-z0-9-]{10,}/],
  ['private key', /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----/],
  ['JSON Web Token', /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/],
  ['npm token', /\bnpm_[A-Za-z0-9]{36}\b/],
  ['PyPI token', /\bpypi-AgE[A-Za-z0-9_-]{50,}/],
  ['Docker Hub token', /\bdckr_pat_[A-Za-z0-9_-]{20,}/],
  ['Google API key', /\bAIza[0-9A-Za-z_-]{35}\b/],
  ['Stripe key', /\b[rs]k_live_[0-9A-Za-z]{20,}/],
  ['OpenAI/Anthropic key', /\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{32,}/],
  ['password in URL', /[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:[^\s/@]+@[^\s/]+/i]
]

/** The token format a value matches, if any. */
export function detectSecretValue(value: string): string | undefined {
  return VALUE_PATTERNS.find(([, re]) => re.test(value))?.[0]
}

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
    input = 'allow-secret-build-args'
  }: { provenance: string; allow?: boolean | string[]; input?: string }
): SecretFinding[] {
  if (!provenanceRecordsArgs(provenance)) return []
  const findings = findSecretBuildArgs(definition, allow)
  if (findings.length === 0) return []
  const lines = findings.map(f => `  target "${f.target}", build arg ${f.arg}: ${f.why}`)
  throw new Error(
    [
      `Refusing to build: provenance mode=max records build-arg values in an attestation anyone who can pull the image can read.`,
      ...lines,
      `Pass credentials as build secrets instead (bake: secret = ["id=${findings[0].arg.toLowerCase()},env=${findings[0].arg}"];` +
        ` Dockerfile: RUN --mount=type=secret,id=${findings[0].arg.toLowerCase()} ...; CLI: --secret).`,
      `If these are not credentials, list them in \`${input}\` (or set it to \`true\`), or use provenance mode=min.`
    ].join('\n')
  )
}
