// Removing manifests through the distribution API (https://distribution.github.io/distribution/spec/api/#deleting-an-image).
// Registries may refuse deletes altogether: distribution answers 405 UNSUPPORTED unless its config has
// `storage.delete.enabled: true`, and many hosted registries only delete through their own API (GitHub Packages,
// ECR). A DELETE of a digest that no manifest can have tells which it is without touching anything, so a
// clean-up probes first and stops before its first change on a registry that refuses.
import { HttpError } from '../lib/retry.js'
import { imageName, type ImageRef } from './reference.js'
import type { RegistryTransport } from './upload.js'

/** The registry refuses to delete (disabled, unsupported, or not with these credentials). */
export class DeleteRefusedError extends Error {
  constructor(
    readonly image: string,
    readonly status: number,
    readonly code: string,
    message: string
  ) {
    super(message)
    this.name = 'DeleteRefusedError'
  }
}

/** sha256 of nothing a registry can hold: all zeros. */
export const PROBE_DIGEST = `sha256:${'0'.repeat(64)}`

/** The distribution error code of a failed request (`UNSUPPORTED`, `DENIED`), from the HttpError's body excerpt. */
function errorCode(e: HttpError): string {
  return /"code"\s*:\s*"([A-Z_]+)"/.exec(e.message)?.[1] ?? ''
}

function refused(ref: ImageRef, e: HttpError): DeleteRefusedError | undefined {
  const code = errorCode(e)
  const image = imageName(ref)
  if (e.status === 405 || code === 'UNSUPPORTED') {
    return new DeleteRefusedError(
      image,
      e.status,
      code || 'UNSUPPORTED',
      `The registry ${ref.registry} does not allow deleting manifests (HTTP ${e.status}${code ? ` ${code}` : ''} ` +
        `for ${image}). Enable deletes there (distribution: storage.delete.enabled: true), or remove the ` +
        'previews with the registry’s own tools.'
    )
  }
  if (e.status === 401 || e.status === 403 || code === 'DENIED') {
    return new DeleteRefusedError(
      image,
      e.status,
      code || 'DENIED',
      `The registry ${ref.registry} refused to delete from ${image} with these credentials (HTTP ${e.status}` +
        `${code ? ` ${code}` : ''}): give the username/password inputs an account that may delete.`
    )
  }
  return undefined
}

async function sendDelete(t: RegistryTransport, ref: ImageRef, reference: string): Promise<Response> {
  const url = `${t.repositoryUrl(ref)}/manifests/${reference}`
  try {
    return await t.request('DELETE', url, ref, { accept: '*/*', actions: 'delete' })
  } catch (e) {
    if (e instanceof HttpError) throw refused(ref, e) ?? e
    throw e
  }
}

/** Whether the registry deletes manifests of this repository; throws DeleteRefusedError when it does not. */
export async function probeDelete(t: RegistryTransport, ref: ImageRef): Promise<void> {
  await t.attempt(`check that ${imageName(ref)} allows deletes`, ref, async () => {
    const res = await sendDelete(t, ref, PROBE_DIGEST)
    await res.body?.cancel()
  })
}

/** DELETE of one manifest by digest (which also removes every tag on it); `absent` when it was not there. */
export async function deleteManifest(
  t: RegistryTransport,
  ref: ImageRef,
  digest: string
): Promise<'deleted' | 'absent'> {
  if (!/^sha256:[0-9a-f]{64}$/.test(digest)) throw new Error(`Refusing to delete '${digest}': not a digest`)
  return t.attempt(`delete ${imageName(ref)}@${digest}`, ref, async () => {
    const res = await sendDelete(t, ref, digest)
    await res.body?.cancel()
    return res.status === 404 ? 'absent' : 'deleted'
  })
}

/** `deleted`; `absent` (nothing to delete); `unsupported`: the registry does not delete this way, or not for us. */
export type DeleteResult = 'deleted' | 'absent' | 'unsupported'

/**
 * DELETE of a manifest by digest (which also removes the tags on it), or of a tag (distribution 3 and the
 * registries that follow it). A refusal (405, 401/403) or distribution 2's 400 for a tag is `unsupported`, for a
 * caller with another way out (tagging's rollback re-points or leaves the tag and says so).
 */
export async function tryDeleteManifest(
  t: RegistryTransport,
  ref: ImageRef,
  reference: string
): Promise<DeleteResult> {
  const what = `delete ${imageName(ref)}${reference.startsWith('sha256:') ? '@' : ':'}${reference}`
  try {
    return await t.attempt(what, ref, async () => {
      const res = await sendDelete(t, ref, reference)
      await res.body?.cancel()
      return res.status === 404 ? 'absent' : 'deleted'
    })
  } catch (e) {
    if (e instanceof DeleteRefusedError || (e instanceof HttpError && e.status === 400)) return 'unsupported'
    throw e
  }
}
