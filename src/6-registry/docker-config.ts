// The docker CLI's config file, $DOCKER_CONFIG/config.json (default ~/.docker/config.json): the one reader of
// its credentials (lib/docker-cli.ts reads only where plugins are and the current context), and the one way a
// registry is matched against its keys, for the credentials the registry client uses (credentials.ts) and for
// the earlier login `docker login` keeps (docker-login.ts). Which source holds a
// registry's credentials, in docker's order (its configfile package):
//   1. `credHelpers[<registry>]` names a helper for this host;
//   2. else `credsStore` names the helper for every host;
//   3. else `auths[<registry>]`, the key matched exactly or by host (`https://localhost:5001/` is
//      `localhost:5001`). Docker Hub's key is `https://index.docker.io/v1/`.
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { dockerConfigDir } from '../lib/docker-cli.js'

export interface AuthEntry {
  auth?: string
  username?: string
  password?: string
  identitytoken?: string
}

export interface DockerConfigFile {
  auths?: Record<string, AuthEntry>
  credsStore?: string
  credHelpers?: Record<string, string>
}

// Where docker keeps its config is the docker CLI's rule, kept with the CLI's other rules.
export { dockerConfigDir }

/** The config file `docker login` writes, in that directory. */
export const dockerConfigFile = (env: NodeJS.ProcessEnv = process.env): string =>
  path.join(dockerConfigDir(env), 'config.json')

/** The config file; a missing file is an empty config (docker's own behaviour), a broken one an error. */
export async function readDockerConfig(file: string): Promise<DockerConfigFile> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw new Error(`Cannot read the docker config ${file}: ${(e as Error).message}`, { cause: e })
  }
  try {
    return JSON.parse(text) as DockerConfigFile
  } catch {
    throw new Error(`The docker config ${file} is not valid JSON; fix or remove it.`)
  }
}

/** The key docker stores a registry under: Docker Hub's index URL, else the host (with port). */
export function configKey(registry: string): string {
  return registry === 'docker.io' || registry === 'index.docker.io' ? 'https://index.docker.io/v1/' : registry
}

/**
 * The registry a key of the config names, for comparing keys: `https://GHCR.io/v2/` → `ghcr.io` (as docker's
 * ConvertToHostname, lower-cased), and Docker Hub's spellings → `docker.io`.
 */
export function registryHost(key: string): string {
  const host = key
    .replace(/^[a-z]+:\/\//i, '')
    .split('/')[0]
    .toLowerCase()
  return ['index.docker.io', 'registry-1.docker.io'].includes(host) ? 'docker.io' : host
}

/** Where this registry's credentials come from: a helper, the `auths` map, or nowhere. */
export function credentialSource(
  config: DockerConfigFile,
  registry: string
): { helper: string; via: 'credHelpers' | 'credsStore' } | { auth: AuthEntry } | undefined {
  const key = configKey(registry)
  const helper = config.credHelpers?.[key]
  if (helper) return { helper, via: 'credHelpers' }
  if (config.credsStore) return { helper: config.credsStore, via: 'credsStore' }
  const auths = config.auths ?? {}
  const entry = auths[key] ?? Object.entries(auths).find(([k]) => registryHost(k) === registryHost(key))?.[1]
  return entry ? { auth: entry } : undefined
}

/**
 * True when the config already holds a login for `registry`: an `auths` entry (which `docker login` writes even
 * when a credential store keeps the secret) or a credential helper for it.
 */
export function hasLogin(config: DockerConfigFile, registry: string): boolean {
  const want = registryHost(registry)
  return [...Object.keys(config.auths ?? {}), ...Object.keys(config.credHelpers ?? {})].some(
    k => registryHost(k) === want
  )
}
