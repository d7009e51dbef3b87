// Helpers of the end-to-end suite: the environment scripts/e2e-env.sh provisioned (.e2e/env), git-less
// workspaces copied from fixtures, GitHub event contexts, the action run as the runner runs it, and read-backs
// from the registry over its HTTP API (what landed there is the only thing the scenarios trust).
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { runAction } from './runner.mjs'

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const FIXTURES = path.join(REPO_ROOT, '__tests__/e2e/fixtures')
export const REPOSITORY = 'blacklake/demo'

/** Every manifest and index media type, as one Accept header. */
export const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json'
].join(', ')

let envCache
/** Settings written by scripts/e2e-env.sh (E2E_REGISTRY, E2E_AUTH_*, E2E_SBOM_GENERATOR, ...). */
export async function e2eEnv() {
  if (envCache) return envCache
  const file = path.join(REPO_ROOT, '.e2e/env')
  let text
  try {
    text = await readFile(file, 'utf8')
  } catch {
    throw new Error(`${file} is missing: run "bash scripts/e2e-env.sh" (as root) first`)
  }
  envCache = Object.fromEntries(
    text
      .split('\n')
      .filter(l => /^[A-Z0-9_]+=/.test(l))
      .map(l => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])
  )
  return envCache
}

/** A name no other run uses: `<label>-<time><random>`, valid as a registry path component. */
export function uniqueName(label) {
  return `${label}-${Date.now().toString(36)}${randomBytes(3).toString('hex')}`.toLowerCase()
}

/** A random 40-hex commit SHA. */
export function randomSha() {
  return randomBytes(20).toString('hex')
}

/** Copies a fixture (a directory under __tests__/e2e/fixtures, or an absolute path) into a fresh temp dir. */
export async function workspaceFrom(fixture) {
  const src = path.isAbsolute(fixture) ? fixture : path.join(FIXTURES, fixture)
  const dir = await mkdtemp(path.join(tmpdir(), 'e2e-ws-'))
  await cp(src, dir, { recursive: true })
  return dir
}

/**
 * Makes the RUN steps of a `basic` workspace unique to this test: BuildKit shares an identical step between
 * concurrent builds on one engine, so a test that compares cached with executed layers would otherwise see a
 * step another suite ran at the same moment.
 */
export async function isolateBuild(workspace, id) {
  const file = path.join(workspace, 'Dockerfile')
  const text = await readFile(file, 'utf8')
  const isolated = text.replace(/^RUN echo "\$NAME"/m, `RUN echo "$NAME ${id}"`)
  if (isolated === text) throw new Error(`isolateBuild: no 'RUN echo "$NAME"' step in ${file}`)
  await writeFile(file, isolated)
}

/** Runs a command (`input`: its standard input); never throws for a non-zero exit (the result says). */
export function run(cmd, args, { env, input, timeoutMs = 300_000 } = {}) {
  return new Promise(resolve => {
    const child = execFile(
      cmd,
      args,
      { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0
        resolve({ code, stdout: String(stdout), stderr: String(stderr) })
      }
    )
    child.stdin?.end(input ?? '')
  })
}

/** Runs docker and throws with its stderr when it fails. */
export async function docker(args, o) {
  const r = await run('docker', args, o)
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')} failed (${r.code}): ${r.stderr.trim()}`)
  return r.stdout
}

// ---- registry read-backs ----------------------------------------------------------------------------------

function splitImage(image) {
  const slash = image.indexOf('/')
  const host = image.slice(0, slash).replace(/^localhost(?=:|$)/, '127.0.0.1')
  return { base: `http://${host}/v2/${image.slice(slash + 1)}`, name: image.slice(slash + 1) }
}

function authHeaders(auth) {
  return auth
    ? { Authorization: `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}` }
    : {}
}

/** Tags of an image (`localhost:5000/ns/name`), sorted; [] when the repository does not exist. */
export async function registryTags(image, { auth } = {}) {
  const r = await fetch(`${splitImage(image).base}/tags/list`, { headers: authHeaders(auth) })
  if (r.status === 404) return []
  if (!r.ok) throw new Error(`GET tags of ${image}: ${r.status} ${await r.text()}`)
  const json = await r.json()
  return [...(json.tags ?? [])].sort()
}

/** A manifest or index by tag or digest: `{digest, mediaType, json}`, or undefined when absent. */
export async function registryManifest(image, reference, { auth } = {}) {
  const r = await fetch(`${splitImage(image).base}/manifests/${reference}`, {
    headers: { Accept: MANIFEST_TYPES, ...authHeaders(auth) }
  })
  if (r.status === 404) return undefined
  if (!r.ok) throw new Error(`GET manifest ${image}:${reference}: ${r.status} ${await r.text()}`)
  const json = await r.json()
  return { digest: r.headers.get('docker-content-digest'), mediaType: json.mediaType, json }
}

export async function registryBlobJson(image, digest, { auth } = {}) {
  const r = await fetch(`${splitImage(image).base}/blobs/${digest}`, { headers: authHeaders(auth) })
  if (!r.ok) throw new Error(`GET blob ${image}@${digest}: ${r.status}`)
  return r.json()
}

const platformOf = p => (p ? [p.os, p.architecture, p.variant].filter(Boolean).join('/') : 'unknown')

/**
 * Everything the scenarios check about a pushed reference: the index digest; per platform its manifest digest,
 * config labels and layer digests; per attestation manifest the platform manifest it refers to and the
 * in-toto predicate types of its layers.
 */
export async function describeImage(image, reference, o = {}) {
  const index = await registryManifest(image, reference, o)
  if (!index) return undefined
  const manifests = index.json.manifests ?? []
  const platforms = []
  const attestations = []
  for (const m of manifests) {
    const child = await registryManifest(image, m.digest, o)
    if (m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest') {
      attestations.push({
        digest: m.digest,
        refersTo: m.annotations['vnd.docker.reference.digest'],
        predicateTypes: (child.json.layers ?? [])
          .map(l => l.annotations?.['in-toto.io/predicate-type'])
          .sort()
      })
    } else {
      const config = await registryBlobJson(image, child.json.config.digest, o)
      platforms.push({
        platform: platformOf(m.platform),
        digest: m.digest,
        labels: config.config?.Labels ?? {},
        layers: (child.json.layers ?? []).map(l => l.digest)
      })
    }
  }
  platforms.sort((a, b) => a.platform.localeCompare(b.platform))
  return { digest: index.digest, mediaType: index.mediaType, platforms, attestations }
}

/** `docker buildx imagetools inspect REF --format FORMAT`, parsed as JSON when it is JSON. */
export async function imagetoolsFormat(ref, format) {
  const out = await docker(['buildx', 'imagetools', 'inspect', ref, '--format', format])
  try {
    return JSON.parse(out)
  } catch {
    return out.trim()
  }
}

// ---- GitHub contexts ---------------------------------------------------------------------------------------

const repositoryPayload = (fullName = REPOSITORY) => ({
  full_name: fullName,
  name: fullName.split('/')[1],
  owner: { login: fullName.split('/')[0] },
  default_branch: 'main',
  html_url: `https://github.com/${fullName}`,
  fork: false
})

/** A `push` of a branch or tag ref (`refs/heads/main`, `refs/tags/v1.2.3`). */
export function pushContext(ref, sha = randomSha()) {
  const isTag = ref.startsWith('refs/tags/')
  const name = ref.replace(/^refs\/(heads|tags)\//, '')
  return {
    sha,
    eventName: 'push',
    payload: {
      ref,
      before: '0'.repeat(40),
      after: sha,
      created: isTag,
      repository: repositoryPayload(),
      head_commit: { id: sha, message: 'e2e', timestamp: new Date().toISOString() },
      sender: { login: 'octocat' }
    },
    env: {
      GITHUB_REF: ref,
      GITHUB_REF_NAME: name,
      GITHUB_REF_TYPE: isTag ? 'tag' : 'branch',
      GITHUB_SHA: sha,
      GITHUB_HEAD_REF: '',
      GITHUB_BASE_REF: ''
    }
  }
}

/** A file the PR title and head branch of pullRequestContext try to create through shell injection. */
export const PWNED_MARKER = '/tmp/multiarch-e2e-pwned'

/** A `pull_request` event: from a branch of the same repository, or from a fork. */
export function pullRequestContext(number, { fork = false, headRef = 'feature/x', sha = randomSha() } = {}) {
  const headRepo = fork ? 'someone-else/demo' : REPOSITORY
  const mergeSha = randomSha()
  return {
    sha: mergeSha,
    headSha: sha,
    eventName: 'pull_request',
    payload: {
      action: 'synchronize',
      number,
      pull_request: {
        number,
        // Shell metacharacters: the action must only ever treat this as data (see PWNED_MARKER).
        title: `e2e $(touch ${PWNED_MARKER}) \`touch ${PWNED_MARKER}\` ; touch ${PWNED_MARKER} "x"`,
        head: { ref: headRef, sha, repo: { ...repositoryPayload(headRepo), fork } },
        base: { ref: 'main', sha: randomSha(), repo: repositoryPayload() }
      },
      repository: repositoryPayload(),
      sender: { login: fork ? 'someone-else' : 'octocat' }
    },
    env: {
      GITHUB_REF: `refs/pull/${number}/merge`,
      GITHUB_REF_NAME: `${number}/merge`,
      GITHUB_REF_TYPE: 'branch',
      GITHUB_SHA: mergeSha,
      GITHUB_HEAD_REF: headRef,
      GITHUB_BASE_REF: 'main'
    }
  }
}

// ---- the action ----------------------------------------------------------------------------------------------

/**
 * Runs the built root action (main, then post) for a context with the e2e defaults: the engine's own builder,
 * the local registry, the fixture SBOM generator, no cache unless asked. `inputs` override the defaults.
 */
export async function publish({ workspace, context, inputs = {}, env = {}, api, post = true }) {
  const e = await e2eEnv()
  return runAction({
    // E2E_ACTION_DIR: a snapshot of action.yml + dist/ to test instead of the work tree (whose dist/ may be
    // rebuilt while a suite runs).
    action: process.env.E2E_ACTION_DIR || REPO_ROOT,
    workspace,
    eventName: context.eventName,
    payload: context.payload,
    post,
    env: {
      GITHUB_REPOSITORY: REPOSITORY,
      ...(api ? { GITHUB_API_URL: api.url } : {}),
      ...context.env,
      ...env
    },
    inputs: {
      driver: 'docker',
      registry: e.E2E_REGISTRY,
      sbom: `generator=${e.E2E_SBOM_GENERATOR}`,
      cache: 'none',
      ...inputs
    }
  })
}

/** The `images` output as an object (target -> {image, tags, platforms, digest, pushed}); {} when absent. */
export function imagesOutput(result) {
  const text = result.main.outputs.images
  return text ? JSON.parse(text) : {}
}

/**
 * Everything a step wrote that a user or a later step could see, for secret-leak checks. `::add-mask::` lines
 * are the one place a secret may appear: the runner consumes them (and masks the value in the log from then
 * on) and never shows them. Nothing else is masked here, so a leak into the log fails even though the real
 * runner would star it out; summary, state, output and env files are never masked by the runner at all.
 */
export function visibleText(result) {
  const unmask = text => text.replace(/^::add-mask::.*$/gm, '')
  return [result.main, result.post]
    .filter(Boolean)
    .flatMap(s => [
      unmask(s.stdout),
      s.stderr,
      s.summary,
      s.stateText,
      s.outputText,
      JSON.stringify(s.envFile)
    ])
    .join('\n')
}

/** Workflow-command annotations (`::error::…`, `::notice title=…::…`) a step printed, decoded. */
export function annotations(result, kind) {
  const out = []
  for (const s of [result.main, result.post].filter(Boolean)) {
    for (const line of s.stdout.split('\n')) {
      const m = line.match(new RegExp(`^::${kind}(?: [^:]*)?::(.*)$`))
      if (m) out.push(m[1].replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%'))
    }
  }
  return out
}
