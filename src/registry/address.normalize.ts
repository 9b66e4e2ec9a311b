/**
 * How addresses are normalised for search by typing: lower case, ё → е, punctuation to spaces,
 * type abbreviations and their long forms removed ('ул', 'улица', 'пр-кт', 'ст-ца', 'д', 'дом'…),
 * ordinal endings dropped ('1-я' → '1'), hyphenated names split into words ('усть-лабинск' →
 * 'усть', 'лабинск'). Stored names are never changed; only the search keys are normalised.
 * Pure functions, no I/O.
 */

/** Type names of GAR objects and the words people type for them; never part of a search key. */
const typeWords = new Set(
  [
    // settlements
    'г', 'город', 'гор', 'ст-ца', 'станица', 'ст', 'х', 'хут', 'хутор', 'п', 'пос', 'поселок', 'посёлок', 'пгт', 'рп', 'с', 'село',
    'аул', 'д', 'дер', 'деревня', 'нп', 'кп', 'м', 'мест', 'местечко', 'сл', 'слобода', 'р-н', 'район', 'край', 'обл', 'область',
    'го', 'мр', 'мо', 'с/п', 'сп', 'гп', 'тер', 'территория', 'снт', 'днт', 'тсн', 'сад', 'садовое',
    // streets
    'ул', 'улица', 'пр-кт', 'пр', 'просп', 'проспект', 'пер', 'переулок', 'пл', 'площадь', 'б-р', 'бул', 'бульвар', 'ш', 'шоссе',
    'пр-д', 'проезд', 'туп', 'тупик', 'наб', 'набережная', 'ал', 'аллея', 'мкр', 'мкр-н', 'микрорайон', 'кв-л', 'квартал',
    'тракт', 'дор', 'дорога', 'въезд', 'проулок', 'пр-к', 'спуск', 'сквер', 'парк', 'им', 'имени',
    // parts of a house address
    'дом', 'д', 'вл', 'влд', 'владение', 'зд', 'здание', 'кв', 'квартира',
  ].map((w) => w.replace(/ё/g, 'е')),
);

const buildingMarkers = new Set(['к', 'корп', 'корпус']);
const structureMarkers = new Set(['стр', 'строение', 'с', 'соор', 'сооружение', 'лит', 'литер', 'литера']);

/** Lower case, ё → е, every run of non-letters/digits (except '/') to one space. */
export function normalizeText(text: string): string {
  return text
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/(\d)-(?:ый|ой|ий|ая|яя|ое|ее|го|й|я|е)(?![а-я])/g, '$1') // '1-я', '2-й'; '40-летия' keeps 'летия'
    .replace(/[^0-9a-zа-я/\-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The words of a name as stored in the search index (type words removed). */
export function nameWords(name: string): string[] {
  const words: string[] = [];
  for (const token of normalizeText(name).split(' ')) {
    if (!token || typeWords.has(token)) continue;
    for (const part of token.split(/[-/]+/)) if (part && !typeWords.has(part)) words.push(part);
  }
  return [...new Set(words)];
}

/** The one-line search key of a name: its words joined by spaces ('им. 40-летия Победы' → '40 летия победы'). */
export function nameSearchKey(name: string): string {
  return nameWords(name).join(' ');
}

/** The leading integer of a house number: 12 for '12', '12а', '12/1', '12 к2'; null for 'б/н'. */
export function houseNumberInt(houseNumber: string): number | null {
  const match = /^\s*(\d{1,9})/.exec(houseNumber);
  return match ? Number(match[1]) : null;
}

/** The normalised key of a house number with its building and structure: '12а', '12/1', '12к2', '12с1'. */
export function houseNumberKey(houseNumber: string, building?: string | null, structure?: string | null): string {
  const squeeze = (v: string) => v.toLowerCase().replace(/ё/g, 'е').replace(/[\s.\-]+/g, '');
  let key = squeeze(houseNumber);
  if (building) key += `к${squeeze(building)}`;
  if (structure) key += `с${squeeze(structure)}`;
  return key;
}

/** The label of a house: 'г Краснодар, ул Красная, д. 12 к. 2 стр. 1'. */
export function houseLabel(parentLabel: string, houseNumber: string, building?: string | null, structure?: string | null): string {
  return `${parentLabel}, д. ${houseNumber}${building ? ` к. ${building}` : ''}${structure ? ` стр. ${structure}` : ''}`;
}

/** What a typed address asks for: words of the settlement and street, and perhaps a house. */
export interface ParsedAddressQuery {
  /** Prefixes of words of the settlement or street names, normalised. */
  words: string[];
  /** Prefix of the normalised house number key ('12', '12а', '12к2'), or null. */
  houseKey: string | null;
}

const numberToken = /^\d+[а-я]?(?:\/\d+[а-я]?)?(?:к\d+[а-я]?)?(?:с\d+[а-я]?)?$/;
const numberPart = /^\d+[а-я]?$/;

/**
 * Parses what a person types: 'красная 12', 'ул. Красная, д 12', 'Краснодар Красная 12 к2',
 * 'ст-ца Динская, ул Красная, дом 5 стр 1'. The house is the number at the end, with an
 * optional 'к'/'корп' building and 'стр' structure after it; numbers earlier belong to names
 * ('ул 1 Мая 15').
 */
export function parseAddressQuery(text: string): ParsedAddressQuery {
  const tokens = normalizeText(text)
    .split(' ')
    .filter((t) => t && t !== '-');
  let end = tokens.length;
  let building: string | null = null;
  let structure: string | null = null;
  for (;;) {
    const last = tokens[end - 1];
    const before = tokens[end - 2];
    if (last === undefined) break;
    const glued = /^(к|корп|корпус|стр|строение|соор|лит|литер)(\d+[а-я]?)$/.exec(last);
    if (glued) {
      if (buildingMarkers.has(glued[1]!)) building ??= glued[2]!;
      else structure ??= glued[2]!;
      end -= 1;
      continue;
    }
    if (numberPart.test(last) && before !== undefined && (buildingMarkers.has(before) || structureMarkers.has(before)) && end - 2 > 0) {
      if (buildingMarkers.has(before)) building ??= last;
      else structure ??= last;
      end -= 2;
      continue;
    }
    break;
  }
  let houseKey: string | null = null;
  const last = tokens[end - 1];
  if (last !== undefined && numberToken.test(last)) {
    houseKey = last;
    end -= 1;
  } else if (last !== undefined && /^[а-я]$/.test(last) && /^\d+$/.test(tokens[end - 2] ?? '')) {
    houseKey = `${tokens[end - 2]}${last}`; // '12 а'
    end -= 2;
  }
  if (houseKey !== null) {
    if (building) houseKey += `к${building}`;
    if (structure) houseKey += `с${structure}`;
  }
  const words: string[] = [];
  for (const token of tokens.slice(0, end)) {
    if (typeWords.has(token)) continue;
    for (const part of token.split(/[-/]+/)) if (part && !typeWords.has(part)) words.push(part);
  }
  return { words: [...new Set(words)], houseKey };
}
