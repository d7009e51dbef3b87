// The `images` input: one image per line (`name/app` or `name=name/app,enable=false`), or the old one-line
// CSV form `name/app,ghcr.io/name/app`. Names are lower-cased and validated as Docker repository names.
import { parseList, splitFields, where } from './list.js'
import { normalizeImageName } from './reference.js'

export interface Image {
  name: string
  enable: boolean
}

function fieldsOf(input: string, entry: { text: string; line: number }): string[] {
  try {
    return splitFields(entry.text)
  } catch (error) {
    throw new Error(`Malformed ${where(input, entry)}: ${(error as Error).message}`, { cause: error })
  }
}

function validated(name: string, at: string): string {
  try {
    return normalizeImageName(name)
  } catch (error) {
    throw new Error(`${(error as Error).message} in images ${at}`, { cause: error })
  }
}

export function parseImages(input: string): Image[] {
  const entries = parseList(input)
  // Backward compatibility: a single line of plain names separated by commas.
  if (entries.length === 1) {
    const fields = fieldsOf('images', entries[0])
    if (fields.every(f => !f.includes('='))) {
      return fields
        .map(f => f.trim())
        .filter(f => f.length > 0)
        .map(name => ({ name: validated(name, where('images', entries[0])), enable: true }))
    }
  }
  return entries.map(entry => {
    const at = where('images', entry)
    const image: Image = { name: '', enable: true }
    for (const field of fieldsOf('images', entry)) {
      const parts = field.split('=').map(item => item.trim())
      if (parts.length === 1) {
        image.name = parts[0]
        continue
      }
      const key = parts[0].toLowerCase()
      const value = parts[1]
      if (key === 'name') image.name = value
      else if (key === 'enable') {
        if (value !== 'true' && value !== 'false') {
          throw new Error(`Invalid enable attribute value: ${at}. Expected enable=true or enable=false`)
        }
        image.enable = value === 'true'
      } else throw new Error(`Unknown image attribute: ${at}. Expected name= and enable=`)
    }
    if (image.name.length === 0) throw new Error(`Image name attribute empty: ${at}`)
    image.name = validated(image.name, at)
    return image
  })
}
