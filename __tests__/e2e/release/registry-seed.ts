// Seeds a real registry with small synthetic multi-platform images through the registry HTTP API itself
// (monolithic blob uploads, manifest PUTs), so registry-client tests do not depend on Docker or on each other.
import { createHash } from 'node:crypto'

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`

export interface Seeded {
  /** Index digest. */
  digest: string
  /** Platform manifest digests, by platform. */
  platforms: Record<string, string>
}

export async function seedImage(
  registry: string,
  repository: string,
  tags: string[],
  { auth, platforms = ['linux/amd64', 'linux/arm64'] }: { auth?: string; platforms?: string[] } = {}
): Promise<Seeded> {
  const base = `http://${registry}/v2/${repository}`
  const headers: Record<string, string> = auth ? { authorization: auth } : {}
  const put = async (url: string, body: Buffer, contentType: string) => {
    const res = await fetch(url, {
      method: 'PUT',
      headers: { ...headers, 'content-type': contentType },
      body
    })
    if (!res.ok) throw new Error(`PUT ${url}: ${res.status} ${await res.text()}`)
    return res
  }
  const blob = async (bytes: Buffer) => {
    const digest = sha(bytes)
    const start = await fetch(`${base}/blobs/uploads/`, { method: 'POST', headers })
    if (start.status !== 202) throw new Error(`POST upload: ${start.status} ${await start.text()}`)
    const location = new URL(start.headers.get('location')!, `http://${registry}`)
    location.searchParams.set('digest', digest)
    await put(location.toString(), bytes, 'application/octet-stream')
    return { digest, size: bytes.length }
  }
  const manifests = []
  const byPlatform: Record<string, string> = {}
  for (const platform of platforms) {
    const [os, architecture] = platform.split('/')
    const layer = await blob(Buffer.from(`layer of ${repository} ${platform} ${Math.random()}`))
    const config = await blob(
      Buffer.from(
        JSON.stringify({ architecture, os, rootfs: { type: 'layers', diff_ids: [layer.digest] }, config: {} })
      )
    )
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }]
      })
    )
    const digest = sha(manifest)
    await put(`${base}/manifests/${digest}`, manifest, 'application/vnd.oci.image.manifest.v1+json')
    byPlatform[platform] = digest
    manifests.push({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest,
      size: manifest.length,
      platform: { architecture, os }
    })
  }
  const index = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests })
  )
  for (const tag of tags)
    await put(`${base}/manifests/${tag}`, index, 'application/vnd.oci.image.index.v1+json')
  return { digest: sha(index), platforms: byPlatform }
}

export const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
