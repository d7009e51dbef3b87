// The GitHub Packages REST API for container packages (https://docs.github.com/rest/packages/packages), as a
// local fake backed by a real registry: a package `owner/name` is the registry repository `owner/name`, and its
// versions are the manifests the registry holds — every tag's manifest, the children of every index, and what
// `sha256-<hex>` fallback tags name — each with a stable numeric id, as ghcr.io lists an image's untagged
// platform and attestation manifests next to the tagged index. Deleting a version deletes that manifest (and
// so its tags) by digest in the registry. Like GitHub, it refuses to delete the last tagged version of a
// package (400) and deletes a whole package on request.
import { MANIFEST_TYPES } from './e2e.mjs'

export class PackagesFake {
  /**
   * @param {object} o
   * @param {string} o.registry registry base URL (`http://127.0.0.1:5000`)
   * @param {'org'|'user'} [o.ownerType] which of /orgs/… and /users/… answers (the other 404s)
   * @param {string[]|null} [o.adminTokens] tokens allowed to delete (others get 403); null: any
   */
  constructor({ registry, ownerType = 'org', adminTokens = null }) {
    this.registry = registry.replace(/\/+$/, '')
    this.ownerType = ownerType
    this.adminTokens = adminTokens
    this.ids = new Map() // "owner/name" -> Map(digest -> {id, created})
    this.nextId = 5000
    this.deleted = [] // {package, id, digest}
  }

  async #manifest(repo, reference, method = 'GET') {
    const r = await fetch(`${this.registry}/v2/${repo}/manifests/${reference}`, {
      method,
      headers: { accept: MANIFEST_TYPES }
    })
    if (r.status === 404) return undefined
    if (!r.ok) throw new Error(`${method} ${repo}:${reference}: ${r.status}`)
    return {
      digest: r.headers.get('docker-content-digest'),
      json: method === 'GET' ? await r.json() : undefined
    }
  }

  /** Versions of `owner/name` as the API lists them, newest first. */
  async versions(repo) {
    const r = await fetch(`${this.registry}/v2/${repo}/tags/list`)
    const tags = r.ok ? ((await r.json()).tags ?? []) : []
    const tagged = new Map()
    const queue = []
    for (const tag of tags) {
      const m = await this.#manifest(repo, tag, 'HEAD')
      if (!m) continue
      tagged.set(m.digest, [...(tagged.get(m.digest) ?? []), tag])
      queue.push(m.digest)
    }
    const known = this.ids.get(repo) ?? new Map()
    this.ids.set(repo, known)
    const seen = new Set()
    while (queue.length) {
      const digest = queue.shift()
      if (seen.has(digest)) continue
      seen.add(digest)
      const m = await this.#manifest(repo, digest)
      if (!m) continue
      if (!known.has(digest)) known.set(digest, { id: this.nextId++, created: new Date().toISOString() })
      for (const child of m.json.manifests ?? []) queue.push(child.digest)
    }
    // Manifests seen before that no tag reaches any more are still versions (untagged), while they exist.
    for (const digest of known.keys()) {
      if (!seen.has(digest) && !(await this.#manifest(repo, digest, 'HEAD'))) known.delete(digest)
    }
    return [...known]
      .map(([digest, v]) => ({
        id: v.id,
        name: digest,
        url: `https://api.github.com/orgs/x/packages/container/${encodeURIComponent(repo)}/versions/${v.id}`,
        created_at: v.created,
        updated_at: v.created,
        metadata: { package_type: 'container', container: { tags: (tagged.get(digest) ?? []).sort() } }
      }))
      .sort((a, b) => b.id - a.id)
  }

  async #delete(repo, digest) {
    const r = await fetch(`${this.registry}/v2/${repo}/manifests/${digest}`, { method: 'DELETE' })
    if (!r.ok && r.status !== 404) throw new Error(`DELETE ${repo}@${digest}: ${r.status} ${await r.text()}`)
  }

  /** Answers one request: [status, json]. */
  async handle(method, url, token) {
    const m = url.pathname.match(
      /^\/(orgs|users)\/([^/]+)\/packages\/container\/([^/]+)(\/versions(?:\/(\d+))?)?$/
    )
    if (!m) return [404, { message: 'Not Found' }]
    const [, kind, owner, encoded, versionsPart, id] = m
    if ((kind === 'orgs') !== (this.ownerType === 'org')) return [404, { message: 'Not Found' }]
    const repo = `${owner}/${decodeURIComponent(encoded)}`
    const list = await this.versions(repo)
    if (list.length === 0) return [404, { message: 'Package not found.' }]
    if (method === 'GET' && versionsPart && !id) {
      const page = Number(url.searchParams.get('page') ?? 1)
      const per = Number(url.searchParams.get('per_page') ?? 30)
      return [200, list.slice((page - 1) * per, page * per)]
    }
    if (method !== 'DELETE') return [404, { message: 'Not Found' }]
    if (this.adminTokens && !this.adminTokens.includes(token)) {
      return [403, { message: 'You need admin access to the package to delete it.' }]
    }
    if (!versionsPart) {
      for (const v of list) await this.#delete(repo, v.name)
      this.deleted.push(...list.map(v => ({ package: repo, id: v.id, digest: v.name })))
      return [204, undefined]
    }
    const version = list.find(v => v.id === Number(id))
    if (!version) return [404, { message: 'Not Found' }]
    const tagged = list.filter(v => v.metadata.container.tags.length > 0)
    if (version.metadata.container.tags.length > 0 && tagged.length === 1) {
      return [
        400,
        {
          message:
            'You cannot delete the last tagged version of a package. You must delete the package instead.'
        }
      ]
    }
    await this.#delete(repo, version.name)
    this.deleted.push({ package: repo, id: version.id, digest: version.name })
    return [204, undefined]
  }
}
