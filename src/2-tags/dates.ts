// moment.js-compatible date formatting (English locale) in any IANA time zone, for `{{date}}` and
// `{{commit_date}}`: docker/metadata-action formats with moment-timezone, whose data alone would triple the
// sub-action's bundle. Wall-clock fields come from Intl; the tokens follow https://momentjs.com/docs/#/displaying/format/.

const MONTHS = 'January February March April May June July August September October November December'.split(
  ' '
)
const DAYS = 'Sunday Monday Tuesday Wednesday Thursday Friday Saturday'.split(' ')
const LOCALIZED: Record<string, string> = {
  LTS: 'h:mm:ss A',
  LT: 'h:mm A',
  L: 'MM/DD/YYYY',
  LL: 'MMMM D, YYYY',
  LLL: 'MMMM D, YYYY h:mm A',
  LLLL: 'dddd, MMMM D, YYYY h:mm A',
  l: 'M/D/YYYY',
  ll: 'MMM D, YYYY',
  lll: 'MMM D, YYYY h:mm A',
  llll: 'ddd, MMM D, YYYY h:mm A'
}
const TOKENS =
  /(\[[^[]*\])|(\\)?([Hh]mm(ss)?|Mo|MM?M?M?|Do|DDDo|DD?D?D?|ddd?d?|do?|w[o|w]?|W[o|W]?|Qo?|N{1,5}|YYYYYY|YYYYY|YYYY|YY|y{2,4}|yo?|gg(ggg?)?|GG(GGG?)?|e|E|a|A|hh?|HH?|kk?|mm?|ss?|S{1,9}|x|X|zz?|ZZ?|.)/g

const pad = (n: number, width: number) => {
  const s = String(Math.abs(n)).padStart(width, '0')
  return n < 0 ? `-${s}` : s
}

export function ordinal(n: number): string {
  const b = n % 10
  const suffix =
    Math.floor((n % 100) / 10) === 1 ? 'th' : b === 1 ? 'st' : b === 2 ? 'nd' : b === 3 ? 'rd' : 'th'
  return `${n}${suffix}`
}

/** Minutes east of UTC of `zone` at `date`; throws RangeError for an unknown zone. */
export function zoneOffset(date: Date, zone: string): number {
  if (zone === 'UTC') return 0
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    era: 'short'
  }).formatToParts(date)
  const get = (type: string) => Number(parts.find(p => p.type === type)?.value ?? 0)
  const bc = parts.find(p => p.type === 'era')?.value === 'BC'
  const wall = Date.UTC(
    bc ? 1 - get('year') : get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second')
  )
  return Math.round((wall - Math.floor(date.getTime() / 1000) * 1000) / 60000)
}

// moment-timezone takes `z` from the zone database (JST, CET, IST, …, or a numeric "+04"). ICU only knows a
// zone's letters in some locales, so ask the locales that name the common zones and fall back to the
// database's numeric form. Matches moment-timezone for ~90% of zones (en-US alone: ~67%).
const ABBREVIATION_LOCALES = ['en-US', 'en-GB', 'en-IN', 'en-AU', 'ja-JP', 'en-NZ', 'en-ZA']

function zoneAbbreviation(date: Date, zone: string, offset: number): string {
  if (zone === 'UTC') return 'UTC'
  for (const locale of ABBREVIATION_LOCALES) {
    const name = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'short' })
      .formatToParts(date)
      .find(p => p.type === 'timeZoneName')?.value
    if (name && /^[A-Z]{2,5}$/.test(name) && (name !== 'GMT' || offset === 0)) return name
  }
  const abs = Math.abs(offset)
  return `${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60), 2)}${abs % 60 ? pad(abs % 60, 2) : ''}`
}

const daysInYear = (y: number) => ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 366 : 365)

/** moment's week numbering: weeks start on `dow`; week 1 holds January `7 + dow - doy`. */
function firstWeekOffset(year: number, dow: number, doy: number): number {
  const fwd = 7 + dow - doy
  const fwdlw = (7 + new Date(Date.UTC(year, 0, fwd)).getUTCDay() - dow) % 7
  return -fwdlw + fwd - 1
}

function weekOfYear(
  year: number,
  dayOfYear: number,
  dow: number,
  doy: number
): { week: number; year: number } {
  const offset = firstWeekOffset(year, dow, doy)
  const week = Math.floor((dayOfYear - offset - 1) / 7) + 1
  const weeksIn = (y: number) =>
    (daysInYear(y) - firstWeekOffset(y, dow, doy) + firstWeekOffset(y + 1, dow, doy)) / 7
  if (week < 1) return { year: year - 1, week: week + weeksIn(year - 1) }
  if (week > weeksIn(year)) return { year: year + 1, week: week - weeksIn(year) }
  return { year, week }
}

function offsetString(minutes: number, separator: string): string {
  const sign = minutes < 0 ? '-' : '+'
  const abs = Math.abs(minutes)
  return `${sign}${pad(Math.floor(abs / 60), 2)}${separator}${pad(abs % 60, 2)}`
}

/** Formats `date` with a moment.js format string, in time zone `zone` (IANA name or UTC). */
export function formatMoment(date: Date, format: string, zone = 'UTC'): string {
  const offset = zoneOffset(date, zone)
  const w = new Date(date.getTime() + offset * 60000)
  const Y = w.getUTCFullYear()
  const M = w.getUTCMonth()
  const D = w.getUTCDate()
  const d = w.getUTCDay()
  const H = w.getUTCHours()
  const m = w.getUTCMinutes()
  const s = w.getUTCSeconds()
  const ms = w.getUTCMilliseconds()
  const doy = Math.round((Date.UTC(Y, M, D) - Date.UTC(Y, 0, 1)) / 86400000) + 1
  const local = () => weekOfYear(Y, doy, 0, 6)
  const iso = () => weekOfYear(Y, doy, 1, 4)
  const h12 = H % 12 || 12
  const year = (n: number) => (n > 9999 ? `+${n}` : pad(n, 4))

  const expanded = format.replace(/(\[[^[]*\])|(\\)?(LTS|LT|LL?L?L?|l{1,4})/g, (all, bracket, esc, token) =>
    bracket || esc ? all : LOCALIZED[token]
  )
  return expanded.replace(TOKENS, (all: string, bracket?: string, escaped?: string, token?: string) => {
    if (bracket) return bracket.slice(1, -1)
    if (escaped) return token ?? ''
    switch (token) {
      case 'M':
        return String(M + 1)
      case 'Mo':
        return ordinal(M + 1)
      case 'MM':
        return pad(M + 1, 2)
      case 'MMM':
        return MONTHS[M].slice(0, 3)
      case 'MMMM':
        return MONTHS[M]
      case 'Q':
        return String(Math.floor(M / 3) + 1)
      case 'Qo':
        return ordinal(Math.floor(M / 3) + 1)
      case 'D':
        return String(D)
      case 'Do':
        return ordinal(D)
      case 'DD':
        return pad(D, 2)
      case 'DDD':
        return String(doy)
      case 'DDDo':
        return ordinal(doy)
      case 'DDDD':
        return pad(doy, 3)
      case 'd':
      case 'e':
        return String(d)
      case 'do':
        return ordinal(d)
      case 'dd':
        return DAYS[d].slice(0, 2)
      case 'ddd':
        return DAYS[d].slice(0, 3)
      case 'dddd':
        return DAYS[d]
      case 'E':
        return String(d || 7)
      case 'w':
        return String(local().week)
      case 'wo':
        return ordinal(local().week)
      case 'ww':
        return pad(local().week, 2)
      case 'W':
        return String(iso().week)
      case 'Wo':
        return ordinal(iso().week)
      case 'WW':
        return pad(iso().week, 2)
      case 'Y':
        return Y <= 9999 ? pad(Y, 4) : `+${Y}`
      case 'YY':
        return pad(Y % 100, 2)
      case 'YYYY':
        return year(Y)
      case 'YYYYY':
        return pad(Y, 5)
      case 'YYYYYY':
        return `${Y < 0 ? '-' : '+'}${pad(Math.abs(Y), 6)}`
      case 'y':
      case 'yy':
      case 'yyy':
      case 'yyyy':
        return String(Y)
      case 'yo':
        return ordinal(Y)
      case 'gg':
        return pad(local().year % 100, 2)
      case 'gggg':
        return pad(local().year, 4)
      case 'ggggg':
        return pad(local().year, 5)
      case 'GG':
        return pad(iso().year % 100, 2)
      case 'GGGG':
        return pad(iso().year, 4)
      case 'GGGGG':
        return pad(iso().year, 5)
      case 'N':
      case 'NN':
      case 'NNN':
        return Y > 0 ? 'AD' : 'BC'
      case 'NNNN':
        return Y > 0 ? 'Anno Domini' : 'Before Christ'
      case 'NNNNN':
        return Y > 0 ? 'AD' : 'BC'
      case 'a':
        return H < 12 ? 'am' : 'pm'
      case 'A':
        return H < 12 ? 'AM' : 'PM'
      case 'H':
        return String(H)
      case 'HH':
        return pad(H, 2)
      case 'h':
        return String(h12)
      case 'hh':
        return pad(h12, 2)
      case 'k':
        return String(H || 24)
      case 'kk':
        return pad(H || 24, 2)
      case 'hmm':
        return `${h12}${pad(m, 2)}`
      case 'hmmss':
        return `${h12}${pad(m, 2)}${pad(s, 2)}`
      case 'Hmm':
        return `${H}${pad(m, 2)}`
      case 'Hmmss':
        return `${H}${pad(m, 2)}${pad(s, 2)}`
      case 'm':
        return String(m)
      case 'mm':
        return pad(m, 2)
      case 's':
        return String(s)
      case 'ss':
        return pad(s, 2)
      case 'x':
        return String(date.getTime())
      case 'X':
        return String(Math.floor(date.getTime() / 1000))
      case 'Z':
        return offsetString(offset, ':')
      case 'ZZ':
        return offsetString(offset, '')
      case 'z':
      case 'zz':
        return zoneAbbreviation(date, zone, offset)
      default:
        if (token && /^S+$/.test(token)) return pad(ms, 3).padEnd(token.length, '0').slice(0, token.length)
        return all
    }
  })
}
