// Registry credentials the way the docker CLI finds them, for the registry client (tag listing, tagging, OCI
// layout uploads): workflows log in with another step (docker/login-action, aws-actions/amazon-ecr-login, gcloud's
// credential helper) and give this action no password. Which source holds them is docker-config.ts's; here they
// are read: an `auths` entry (`auth` = base64 "user:password"), or a helper, `docker-credential-<name> get`: the
// server address on stdin, `{"ServerURL","Username","Secret"}` on stdout, or "credentials not found" (no
// credentials: anonymous, as docker would be). Every secret read is masked at once; errors name the helper and
// the config file, never a secret.
import * as core from '@actions/core'
import { run } from '../lib/exec.js'
import { maskSecret } from '../lib/secrets.js'
import type { Credentials } from './auth.js'
import type { RegistryLogin } from './docker-login.js'
import {
  configKey,
  credentialSource,
  dockerConfigFile,
  readDockerConfig,
  type AuthEntry
} from './docker-config.js'
import { parseImageRef } from './reference.js'

/** Registry host → credentials (undefined: anonymous). */
export type CredentialResolver = (registry: string) => Promise<Credentials | undefined>

/** Username and password of an `auths` entry (`auth` is base64 "user:password"); masked. */
export function decodeAuth(entry: AuthEntry, where: string): Credentials | undefined {
  if (entry.identitytoken) {
    maskSecret(entry.identitytoken)
    throw new Error(
      `${where} holds an identity token, which this action cannot use; log in with a username and password ` +
        '(or token) instead, or give the username and password inputs.'
    )
  }
  if (entry.auth) {
    maskSecret(entry.auth)
    const plain = Buffer.from(entry.auth, 'base64').toString('utf8')
    const colon = plain.indexOf(':')
    if (colon < 0) throw new Error(`${where} has an 'auth' value that is not base64 of "user:password".`)
    const creds = { username: plain.slice(0, colon), password: plain.slice(colon + 1) }
    maskSecret(creds.password)
    return creds
  }
  if (entry.username && entry.password) {
    maskSecret(entry.password)
    return { username: entry.username, password: entry.password }
  }
  return undefined
}

/** docker-credential-helpers' answer when it holds nothing for the address. */
const NOT_FOUND = /credentials not found/i

/** `docker-credential-<name> get` for one server address; undefined when the helper holds nothing for it. */
export async function helperGet(
  name: string,
  serverAddress: string,
  where: string
): Promise<Credentials | undefined> {
  const program = `docker-credential-${name}`
  let r
  try {
    // Silent: stdout carries the secret.
    r = await run(program, ['get'], { input: serverAddress, silent: true, ignoreReturnCode: true })
  } catch (e) {
    throw new Error(
      `Credential helper ${program} (${where}) could not be run for ${serverAddress}: is it installed and on ` +
        `PATH? (${(e as Error).message.split('\n')[0]})`,
      { cause: e }
    )
  }
  if (r.exitCode !== 0) {
    const said = `${r.stdout}\n${r.stderr}`.trim()
    if (NOT_FOUND.test(said)) return undefined
    // A helper reports errors on stdout; the first line says why, and holds no credential when it failed.
    const reason = said.split('\n')[0].slice(0, 200) || `exit code ${r.exitCode}`
    throw new Error(`Credential helper ${program} (${where}) failed for ${serverAddress}: ${reason}`)
  }
  let answer: { Username?: string; Secret?: string }
  try {
    answer = JSON.parse(r.stdout) as { Username?: string; Secret?: string }
  } catch {
    throw new Error(
      `Credential helper ${program} (${where}) answered ${serverAddress} with something other than JSON.`
    )
  }
  if (answer.Secret) maskSecret(answer.Secret)
  if (!answer.Secret) return undefined
  if (answer.Username === '<token>') {
    throw new Error(
      `Credential helper ${program} (${where}) returned an identity token for ${serverAddress}, which this ` +
        'action cannot use; give the username and password inputs instead.'
    )
  }
  return { username: answer.Username ?? '', password: answer.Secret }
}

/**
 * A resolver reading the docker config at each first use of a registry (so a login earlier in the same job is
 * seen) and remembering the answer. `given` (the username/password inputs) wins for its registry.
 */
export function dockerConfigResolver(
  o: { dir?: string; given?: Record<string, Credentials> } = {}
): CredentialResolver {
  const known = new Map<string, Promise<Credentials | undefined>>()
  const resolve = async (registry: string): Promise<Credentials | undefined> => {
    if (o.given?.[registry]) return o.given[registry]
    const file = dockerConfigFile(o.dir ? { DOCKER_CONFIG: o.dir } : undefined)
    const config = await readDockerConfig(file)
    const source = credentialSource(config, registry)
    if (!source) {
      core.info(`${registry}: no credentials in ${file}; anonymous`)
      return undefined
    }
    if ('auth' in source) {
      const creds = decodeAuth(source.auth, `The auths entry for ${registry} in ${file}`)
      core.info(`${registry}: credentials of ${creds?.username ?? '(none)'} from the auths of ${file}`)
      return creds
    }
    const where = `${source.via} in ${file}`
    const creds = await helperGet(source.helper, configKey(registry), where)
    core.info(
      `${registry}: ${creds ? `credentials of ${creds.username}` : 'no credentials (anonymous)'} from ` +
        `docker-credential-${source.helper} (${where})`
    )
    return creds
  }
  return registry => {
    if (!known.has(registry)) known.set(registry, resolve(registry))
    return known.get(registry) as Promise<Credentials | undefined>
  }
}

/** Resolves the credentials of every registry these images live in (logs where each came from). */
export async function resolveAll(resolver: CredentialResolver, images: string[]): Promise<void> {
  for (const registry of new Set(images.map(i => parseImageRef(i).registry))) await resolver(registry)
}

/**
 * Where the registry client's credentials come from: the login's for its own registry (unless an earlier step's
 * login of it was kept), then what earlier login steps left in the docker config, as buildx sees it; each sent
 * only to the registry it belongs to.
 */
export function registryCredentials(
  login: RegistryLogin | undefined,
  keptEarlierLogin = false
): CredentialResolver {
  const given =
    login && !keptEarlierLogin
      ? { [login.registry]: { username: login.username, password: login.password } }
      : {}
  return dockerConfigResolver({ given })
}
