// A local GitHub REST API for tests, on 127.0.0.1 (reached through GITHUB_API_URL). It records every request
// and serves: GET /repos/{owner}/{repo}; issue comments of pull requests (list, create, update), each written
// by the identity of the token that wrote it; who a token is, as GitHub tells it: GraphQL `viewer { login }`
// for every token, REST GET /user only for user tokens (an app installation token such as a job's
// GITHUB_TOKEN gets 403 "Resource not accessible by integration" there, as on GitHub); GET of a pull request
// (`pulls` maps a number to its state); the GitHub Packages API for container packages (`packages`, see
// packages-api.mjs), backed by a real registry as ghcr.io's API is backed by ghcr.io; artifact attestations
// (create, list by subject digest: https://docs.github.com/rest/repos/attestations).
// `repos` maps "owner/repo" to the JSON the API returns; `writeTokens` lists tokens allowed to write comments
// (other tokens get 403, as GitHub answers a read-only token); `identities` maps a token to the account it
// acts as ({login, type: 'User' | 'Bot'}); any other token acts as github-actions[bot], like GITHUB_TOKEN.
import http from 'node:http'
import { PackagesFake } from './packages-api.mjs'

const ACTIONS_BOT = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' }

export async function startGitHubApi({
  repos = {},
  writeTokens = null,
  failStatus = null,
  pulls = {},
  packages = null,
  identities = {}
} = {}) {
  const packagesFake = packages ? new PackagesFake(packages) : null
  const whoIs = token => identities[token] ?? ACTIONS_BOT
  const calls = []
  const comments = new Map() // "owner/repo#n" -> [{id, body, user}]
  const attestations = [] // {id, repo, bundle, subjects: ['sha256:…']}
  let nextId = 1000
  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', d => (body += d))
    req.on('end', () => {
      const url = new URL(req.url, 'http://127.0.0.1')
      const token = (req.headers.authorization ?? '').replace(/^(token|Bearer)\s+/i, '')
      calls.push({
        method: req.method,
        path: url.pathname,
        query: url.search,
        token,
        body: body ? safeJson(body) : undefined
      })
      const send = (status, json) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
        res.end(json === undefined ? '' : JSON.stringify(json))
      }
      if (failStatus) return send(failStatus, { message: 'simulated failure' })
      if (url.pathname === '/graphql' && req.method === 'POST') {
        const query = String(safeJson(body)?.query ?? '')
        if (!/viewer\s*\{\s*login\s*\}/.test(query))
          return send(200, { errors: [{ message: 'unsupported query' }] })
        return send(200, { data: { viewer: { login: whoIs(token).login } } })
      }
      if (url.pathname === '/user' && req.method === 'GET') {
        const who = whoIs(token)
        if (who.type === 'Bot') return send(403, { message: 'Resource not accessible by integration' })
        return send(200, { login: who.login, id: who.id ?? 1, type: who.type })
      }
      let m
      if ((m = url.pathname.match(/^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)$/)) && req.method === 'GET') {
        const pr = pulls[m[3]]
        if (!pr) return send(404, { message: 'Not Found' })
        return send(200, {
          number: Number(m[3]),
          state: pr.state,
          closed_at: pr.closed_at ?? null,
          merged_at: pr.merged_at ?? null,
          merged: !!pr.merged_at
        })
      }
      if (packagesFake && /^\/(orgs|users)\/[^/]+\/packages\//.test(url.pathname)) {
        packagesFake
          .handle(req.method, url, token)
          .then(([status, json]) => send(status, json))
          .catch(e => send(500, { message: String(e) }))
        return
      }
      if ((m = url.pathname.match(/^\/repos\/([^/]+)\/([^/]+)$/)) && req.method === 'GET') {
        const repo = repos[`${m[1]}/${m[2]}`]
        return repo ? send(200, repo) : send(404, { message: 'Not Found' })
      }
      if ((m = url.pathname.match(/^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/))) {
        const key = `${m[1]}/${m[2]}#${m[3]}`
        const list = comments.get(key) ?? []
        if (req.method === 'GET') return send(200, list)
        if (req.method === 'POST') {
          if (writeTokens && !writeTokens.includes(token))
            return send(403, { message: 'Resource not accessible by integration' })
          const { login, type } = whoIs(token)
          const c = { id: nextId++, body: safeJson(body).body, user: { login, type } }
          comments.set(key, [...list, c])
          return send(201, c)
        }
      }
      if (
        (m = url.pathname.match(/^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/)) &&
        req.method === 'PATCH'
      ) {
        if (writeTokens && !writeTokens.includes(token))
          return send(403, { message: 'Resource not accessible by integration' })
        for (const list of comments.values()) {
          const c = list.find(x => x.id === Number(m[3]))
          // As on GitHub, a token that may write to the repository's pull requests may edit anyone's comment.
          if (c) {
            c.body = safeJson(body).body
            return send(200, c)
          }
        }
        return send(404, { message: 'Not Found' })
      }
      if ((m = url.pathname.match(/^\/repos\/([^/]+)\/([^/]+)\/attestations$/)) && req.method === 'POST') {
        // GitHub wants a token with attestations: write; the subjects are read from the bundle's statement.
        if (writeTokens && !writeTokens.includes(token))
          return send(403, { message: 'Resource not accessible by integration' })
        const bundle = safeJson(body)?.bundle
        const payload = bundle?.dsseEnvelope?.payload
        if (!payload) return send(422, { message: 'Invalid bundle' })
        const statement = JSON.parse(Buffer.from(payload, 'base64').toString('utf8'))
        const subjects = (statement.subject ?? []).flatMap(x =>
          Object.entries(x.digest ?? {}).map(([a, h]) => `${a}:${h}`)
        )
        const a = { id: nextId++, repo: `${m[1]}/${m[2]}`, bundle, subjects }
        attestations.push(a)
        return send(201, { id: a.id })
      }
      if (
        (m = url.pathname.match(/^\/repos\/([^/]+)\/([^/]+)\/attestations\/([^/]+)$/)) &&
        req.method === 'GET'
      ) {
        const digest = decodeURIComponent(m[3])
        const found = attestations.filter(a => a.repo === `${m[1]}/${m[2]}` && a.subjects.includes(digest))
        return send(200, { attestations: found.map(a => ({ bundle: a.bundle, repository_id: 1296269 })) })
      }
      send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' })
    })
  })
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    comments,
    packages: packagesFake,
    attestations,
    close: () => new Promise(resolve => server.close(resolve))
  }
}

function safeJson(text) {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** A repository as GET /repos/{owner}/{repo} returns it (the fields the action reads, and a few more). */
export function repoFixture(fullName = 'blacklake/demo', extra = {}) {
  const [owner, name] = fullName.split('/')
  return {
    id: 1296269,
    name,
    full_name: fullName,
    owner: { login: owner, type: 'Organization' },
    private: false,
    html_url: `https://github.com/${fullName}`,
    description: 'BlackLake sample images',
    fork: false,
    url: `https://api.github.com/repos/${fullName}`,
    clone_url: `https://github.com/${fullName}.git`,
    homepage: '',
    license: { key: 'apache-2.0', name: 'Apache License 2.0', spdx_id: 'Apache-2.0' },
    topics: [],
    default_branch: 'main',
    created_at: '2025-01-10T09:00:00Z',
    updated_at: '2026-11-01T09:00:00Z',
    pushed_at: '2026-11-27T09:00:00Z',
    ...extra
  }
}
