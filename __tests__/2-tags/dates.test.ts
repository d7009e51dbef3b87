// The moment.js-compatible formatter against moment-timezone itself (what docker/metadata-action uses).
import { describe, expect, it } from '@jest/globals'
import moment from 'moment-timezone'
import { formatMoment, ordinal } from '../../src/2-tags/dates.js'
import { formatDate } from '../../src/2-tags/template.js'

const DATES = [
  '2020-01-10T15:25:50.123Z',
  '2021-12-31T23:59:59.009Z',
  '2021-01-01T00:00:00.000Z',
  '2019-12-30T12:00:00.000Z',
  '2024-02-29T03:04:05.000Z',
  '2026-06-15T07:08:09.500Z'
].map(d => new Date(d))
const ZONES = ['UTC', 'Asia/Tokyo', 'America/New_York', 'Europe/Paris', 'Asia/Kolkata', 'Pacific/Chatham']
const FORMATS = [
  'YYYYMMDD',
  'YYYYMMDD-HHmmss',
  'YYYY-MM-DDTHH:mm:ss.SSS[Z]',
  'dddd, MMMM Do YYYY, h:mm:ss a',
  'X',
  'x',
  'YY.M.D Q Qo',
  'w wo ww W Wo WW gg gggg GG GGGG',
  'DDD DDDo DDDD d do dd ddd e E',
  'H HH h hh k kk m mm s ss S SS SSSS A a',
  'Z ZZ',
  'LT LTS L LL LLL LLLL l ll lll llll',
  '[v]YYYY.MM.DD [at] Hmm',
  'Mo MMM MMMM Do N Y YYYYY YYYYYY y yy yyyy'
]

describe('formatMoment', () => {
  it.each(FORMATS)('%s matches moment-timezone in every zone', format => {
    for (const date of DATES) {
      for (const zone of ZONES) {
        expect(`${zone} ${formatMoment(date, format, zone)}`).toBe(
          `${zone} ${moment(date).tz(zone).format(format)}`
        )
      }
    }
  })

  it.each([
    ['Asia/Tokyo', 'JST'],
    ['Europe/Paris', 'CET'],
    ['America/New_York', 'EST'],
    ['Asia/Kolkata', 'IST'],
    ['Asia/Kathmandu', '+0545'],
    ['America/Sao_Paulo', '-03'],
    ['UTC', 'UTC']
  ])('z in %s is %s, as moment-timezone says', (zone, abbreviation) => {
    expect(formatMoment(DATES[0], 'z', zone)).toBe(abbreviation)
    expect(moment(DATES[0]).tz(zone).format('z')).toBe(abbreviation)
  })

  it.each([
    [1, '1st'],
    [2, '2nd'],
    [3, '3rd'],
    [4, '4th'],
    [11, '11th'],
    [12, '12th'],
    [13, '13th'],
    [21, '21st'],
    [101, '101st'],
    [111, '111th']
  ])('ordinal(%d) = %s', (n, expected) => {
    expect(ordinal(n)).toBe(expected)
  })

  it('falls back to UTC with a warning on an unknown zone', () => {
    const warnings: string[] = []
    expect(formatDate(DATES[0], 'YYYYMMDD-HHmm', 'Mars/Olympus', m => warnings.push(m))).toBe('20200110-1525')
    expect(warnings[0]).toContain('Unknown time zone "Mars/Olympus"')
  })
})
