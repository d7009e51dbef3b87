// Which Sigstore instance signs: Sigstore's public-good Fulcio and Rekor (what `cosign verify` trusts by
// default), or the services a signing config names (cosign 3's `--signing-config` file, v0.2), e.g. a private
// instance or the offline test stand-in.
import { readFile } from 'node:fs/promises'

/** The Sigstore services a keyless signature uses. */
export interface SigstoreServices {
  fulcioUrl: string
  /** Rekor (major API version 1 or 2); undefined: no transparency log. */
  rekor?: { url: string; majorApiVersion: number }
}

/** Sigstore's public-good instance, the one `cosign verify` trusts by default. */
export const PUBLIC_GOOD: SigstoreServices = {
  fulcioUrl: 'https://fulcio.sigstore.dev',
  rekor: { url: 'https://rekor.sigstore.dev', majorApiVersion: 1 }
}

interface ServiceEntry {
  url: string
  majorApiVersion?: number
  validFor?: { start?: string; end?: string }
}

/** The newest usable service of a signing config list (API version at most `max`, not ended). */
function newest(list: ServiceEntry[] | undefined, max: number): ServiceEntry | undefined {
  const now = Date.now()
  return (list ?? [])
    .filter(s => (s.majorApiVersion ?? 1) <= max && !(s.validFor?.end && Date.parse(s.validFor.end) < now))
    .sort((a, b) => Date.parse(b.validFor?.start ?? '0') - Date.parse(a.validFor?.start ?? '0'))[0]
}

/** Reads a Sigstore signing config (the `--signing-config` file of cosign 3, v0.2). */
export async function readSigningConfig(file: string): Promise<SigstoreServices> {
  let json: { mediaType?: string; caUrls?: ServiceEntry[]; rekorTlogUrls?: ServiceEntry[] }
  try {
    json = JSON.parse(await readFile(file, 'utf8'))
  } catch (e) {
    throw new Error(`Cannot read the Sigstore signing config ${file}: ${(e as Error).message}`, { cause: e })
  }
  if (!String(json.mediaType ?? '').startsWith('application/vnd.dev.sigstore.signingconfig.')) {
    throw new Error(`${file} is not a Sigstore signing config (mediaType ${json.mediaType ?? 'missing'}).`)
  }
  const ca = newest(json.caUrls, 1)
  if (!ca) throw new Error(`${file} names no certificate authority (caUrls) with API version 1.`)
  const tlog = newest(json.rekorTlogUrls, 2)
  return {
    fulcioUrl: ca.url,
    rekor: tlog ? { url: tlog.url, majorApiVersion: tlog.majorApiVersion ?? 1 } : undefined
  }
}
