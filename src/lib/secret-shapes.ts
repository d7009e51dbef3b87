// What a credential looks like: by its name (`DB_PASS`, `GH_PAT`, `npmToken`) and by its value (documented token
// formats), for the secret guard (build args that provenance mode=max would publish). The rules are documented in
// the README ("Secret guard"); keep the two in step.

// Word parts (split on `_`, `-`, `.`, spaces and camelCase) that make a name credential-like when a part is one of
// them or ends with one (`DBPASSWORD`, `NPMTOKEN`, `AWSCREDENTIALS`).
const SUFFIX_WORDS = [
  'TOKEN',
  'TOKENS',
  'SECRET',
  'SECRETS',
  'PASSWORD',
  'PASSWORDS',
  'PASSWD',
  'PASSPHRASE',
  'CREDENTIAL',
  'CREDENTIALS'
]
// Parts that count only as a whole part, so `KEYBOARD`, `MONKEY`, `BYPASS`, `AUTHOR` and `PATH` do not match.
const WHOLE_WORDS = new Set([
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
  'CREDS',
  'PASS',
  'PWD',
  'PAT',
  'AUTH',
  'BEARER',
  'COOKIE'
])
// A name ending in one of these names something about a credential, not the credential itself (`TOKEN_URL`,
// `SSH_KEY_PATH`, `BEARER_TOKEN_PATH`, `AUTH_TYPE`); one preceded by these is not secret (`PUBLIC_KEY`).
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
  'SERVICE',
  'LENGTH',
  'FORMAT',
  'MODE',
  'METHOD',
  'PROVIDER',
  'ENABLED',
  'DISABLED',
  'REQUIRED',
  'REALM',
  'SCOPE',
  'DOMAIN',
  'ISSUER'
])
const HARMLESS_BEFORE = new Set(['PUBLIC', 'PUB', 'CACHE', 'SORT', 'PRIMARY', 'PARTITION', 'FOREIGN'])

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .split(/[_\-.\s]+/)
    .filter(Boolean)
    .map(w => w.toUpperCase())
}

/** True when a variable or build-arg name looks like it carries a credential. */
export function isCredentialName(name: string): boolean {
  const parts = words(name)
  return parts.some((part, i) => {
    const credential = WHOLE_WORDS.has(part) || SUFFIX_WORDS.some(w => part === w || part.endsWith(w))
    if (!credential) return false
    if (parts.slice(i + 1).some(p => METADATA_AFTER.has(p))) return false
    if (i > 0 && HARMLESS_BEFORE.has(parts[i - 1])) return false
    return true
  })
}

// Well-known token formats (public, documented prefixes). Anchored on word boundaries so substrings of longer
// identifiers do not match by accident.
const VALUE_PATTERNS: [string, RegExp][] = [
  ['GitHub token', /\bgh[pousr]_[A-Za-z0-9]{30,}/],
  ['GitHub fine-grained token', /\bgithub_pat_[A-Za-z0-9_]{20,}/],
  ['GitLab token', /\bgl(?:pat|rt|dt|ptt|cbt|imt|soat|ffct|ft|agent)-[A-Za-z0-9_-]{20,}/],
  ['AWS access key', /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['Slack token', /\bxox[abposr]-[A-Za-z0-9-]{10,}/],
  ['private key', /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----/],
  ['JSON Web Token', /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/],
  ['npm token', /\bnpm_[A-Za-z0-9]{36}\b/],
  ['npm auth line', /:_(?:authToken|auth|password)\s*=\s*\S{8,}/],
  ['PyPI token', /\bpypi-AgE[A-Za-z0-9_-]{50,}/],
  ['Docker Hub token', /\bdckr_pat_[A-Za-z0-9_-]{20,}/],
  ['docker config auth', /"auth"\s*:\s*"[A-Za-z0-9+/]{8,}={0,2}"/],
  ['Google API key', /\bAIza[0-9A-Za-z_-]{35}\b/],
  ['Stripe key', /\b[rs]k_(?:live|test)_[0-9A-Za-z]{20,}/],
  ['OpenAI/Anthropic key', /\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{32,}/],
  ['Hugging Face token', /\bhf_[A-Za-z0-9]{34,}\b/],
  ['DigitalOcean token', /\bdo[por]_v1_[a-f0-9]{64}\b/],
  ['Shopify token', /\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b/],
  ['SendGrid key', /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b/],
  ['Azure connection string', /\b(?:AccountKey|SharedAccessKey)=[A-Za-z0-9+/]{20,}={0,2}/],
  ['Authorization header value', /\b(?:bearer|basic)\s+[A-Za-z0-9._~+/-]{12,}=*(?![A-Za-z0-9._~+/=-])/i],
  ['password in URL', /[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:[^\s/@]+@[^\s/]+/i]
]

/** The token format a value matches, if any. */
export function detectSecretValue(value: string): string | undefined {
  return VALUE_PATTERNS.find(([, re]) => re.test(value))?.[0]
}
