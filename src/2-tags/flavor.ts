// The `flavor` input: `latest=auto|true|false`, `prefix=…[,onlatest=true|false]`, `suffix=…[,onlatest=…]`.
import { parseList, splitFields, where } from './list.js'

export interface Flavor {
  latest: 'auto' | 'true' | 'false'
  prefix: string
  prefixLatest: boolean
  suffix: string
  suffixLatest: boolean
}

export function parseFlavor(input: string): Flavor {
  const flavor: Flavor = { latest: 'auto', prefix: '', prefixLatest: false, suffix: '', suffixLatest: false }
  for (const entry of parseList(input)) {
    const at = where('flavor', entry)
    let fields: string[]
    try {
      fields = splitFields(entry.text)
    } catch (error) {
      throw new Error(`Malformed ${at}: ${(error as Error).message}`, { cause: error })
    }
    let onlatestFor: 'prefix' | 'suffix' | '' = ''
    for (const field of fields) {
      const parts = field.split('=').map(item => item.trim())
      if (parts.length === 1) {
        throw new Error(
          `Invalid flavor entry: ${at}. Expected key=value (latest=, prefix=, suffix=, onlatest=)`
        )
      }
      const key = parts[0].toLowerCase()
      const value = parts[1]
      switch (key) {
        case 'latest':
          if (value !== 'auto' && value !== 'true' && value !== 'false') {
            throw new Error(
              `Invalid latest flavor entry: ${at}. Expected latest=auto, latest=true or latest=false`
            )
          }
          flavor.latest = value
          break
        case 'prefix':
          flavor.prefix = value
          onlatestFor = 'prefix'
          break
        case 'suffix':
          flavor.suffix = value
          onlatestFor = 'suffix'
          break
        case 'onlatest':
          if (value !== 'true' && value !== 'false') {
            throw new Error(`Invalid value for onlatest attribute: ${value} in ${at}. Expected true or false`)
          }
          if (onlatestFor === 'prefix') flavor.prefixLatest = value === 'true'
          if (onlatestFor === 'suffix') flavor.suffixLatest = value === 'true'
          break
        default:
          throw new Error(`Unknown flavor entry: ${at}. Expected latest=, prefix=, suffix= or onlatest=`)
      }
    }
  }
  return flavor
}
