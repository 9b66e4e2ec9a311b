/**
 * The demo region generator: organisations with their staff, then families (children with
 * their guardians) municipality by municipality, pushed into a BulkSink. Everything it draws
 * comes from `Random` streams keyed by the seed, in a fixed order, so a (scale, seed) pair
 * always gives the same rows, ids included.
 */
import { krasnodarMunicipalities, type MunicipalityData } from '../registry/krasnodar-krai.ts';
import type { OrganizationKind } from '../registry/organization.schema.ts';
import type { BulkSink, TableSpec } from './bulk-insert.ts';
import { anniversary, dayOf, isoDate, referenceDay, referenceYear, yearDays, yearOfDay } from './calendar.ts';
import { BirthCertificateIssuer, LegalEntityIssuer, PassportIssuer, SnilsIssuer } from './documents.ts';
import {
  adultFirstName,
  adultPatronymic,
  childFirstName,
  elderWomanName,
  fatherName,
  patronymicFrom,
  randomSurname,
  surnameFor,
  type MaleName,
  type Sex,
} from './names.ts';
import { kindsInOrder, type MunicipalityPlan } from './plan.ts';
import { cityStreets, places, streets } from './places.ts';
import { apportion, Random } from './random.ts';

export const tableSpecs: TableSpec[] = [
  {
    table: 'organization',
    columns: [
      ['id', 'uuid'], ['municipality_id', 'int'], ['kind', 'text'], ['full_name', 'text'], ['short_name', 'text'],
      ['address', 'text'], ['head_name', 'text'], ['phone', 'text'], ['email', 'text'], ['website', 'text'],
      ['inn', 'text'], ['ogrn', 'text'], ['licence_number', 'text'], ['capacity', 'int'],
    ],
  },
  {
    table: 'person',
    after: ['organization'],
    columns: [
      ['id', 'uuid'], ['last_name', 'text'], ['first_name', 'text'], ['middle_name', 'text'], ['birth_date', 'date'],
      ['sex', 'text'], ['snils', 'text'], ['birth_certificate_series', 'text'], ['birth_certificate_number', 'text'],
      ['passport_series', 'text'], ['passport_number', 'text'], ['phone', 'text'], ['email', 'text'],
      ['municipality_id', 'int'], ['organization_id', 'uuid'],
    ],
  },
  { table: 'staff_member', after: ['person', 'organization'], columns: [['person_id', 'uuid'], ['organization_id', 'uuid'], ['position', 'text'], ['hired_on', 'date']] },
  { table: 'guardian_link', after: ['person'], columns: [['guardian_id', 'uuid'], ['child_id', 'uuid'], ['relation', 'text']] },
  { table: 'account', after: ['person'], columns: [['id', 'uuid'], ['login', 'text'], ['password_hash', 'text'], ['person_id', 'uuid'], ['display_name', 'text']] },
  { table: 'role_grant', after: ['account', 'organization'], columns: [['id', 'uuid'], ['account_id', 'uuid'], ['role', 'text'], ['municipality_id', 'int'], ['organization_id', 'uuid']] },
];

/** A named person the demo accounts need (from demo-accounts.ts). */
export interface CastMember {
  lastName: string;
  firstName: string;
  middleName: string | null;
  sex: Sex;
}

export interface DemoCast {
  head: CastMember;
  teacher: CastMember;
  parent: CastMember;
  pupil: CastMember;
}

/** The rows the demo accounts are bound to. */
export interface DemoAnchors {
  schoolId: string;
  kindergartenId: string;
  headPersonId: string;
  teacherPersonId: string;
  parentPersonId: string;
  pupilPersonId: string;
  preschoolChildPersonId: string;
}

interface PlacedOrganization {
  id: string;
  /** Pupils (school) or enrolled children (kindergarten) the generator will place there. */
  target: number;
}

/**
 * Ids in the UUIDv7 layout: a fixed demo epoch plus a counter in the time field (so ids grow
 * with generation order and btree inserts stay at the right edge), random bits after it.
 */
class IdSource {
  private static readonly epochMs = Date.UTC(2025, 7, 1);
  private counter = 0;
  constructor(private readonly random: Random) {}
  next(): string {
    const time = (IdSource.epochMs + this.counter++).toString(16).padStart(12, '0');
    const r = this.random.hex(19);
    const variant = (8 + (parseInt(r[18]!, 16) & 3)).toString(16);
    return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${r.slice(0, 3)}-${variant}${r.slice(3, 6)}-${r.slice(6, 18)}`;
  }
}

// --- Reference data for names of things -----------------------------------------------------

const kindergartenNames = [
  'Солнышко', 'Ромашка', 'Колокольчик', 'Берёзка', 'Радуга', 'Теремок', 'Сказка', 'Светлячок', 'Ласточка', 'Золотой ключик',
  'Улыбка', 'Кубаночка', 'Малыш', 'Родничок', 'Аленький цветочек', 'Журавлик', 'Ручеёк', 'Звёздочка', 'Рябинка', 'Незабудка',
  'Буратино', 'Чебурашка', 'Дюймовочка', 'Семицветик', 'Лучик', 'Капелька', 'Василёк', 'Солнечный зайчик', 'Одуванчик', 'Жемчужинка',
  'Казачок', 'Вишенка', 'Медвежонок', 'Петушок', 'Колобок', 'Алёнушка', 'Золотая рыбка', 'Росинка', 'Подсолнушек', 'Антошка',
];
const campNames = [
  'Орлёнок', 'Звёздный', 'Солнечный', 'Дружба', 'Юность', 'Ласточка', 'Бригантина', 'Чайка', 'Лесная сказка', 'Горный',
  'Восход', 'Радуга', 'Парус', 'Маяк', 'Кубанец', 'Казачок', 'Берёзка', 'Спутник', 'Романтик', 'Смена',
];
const clubNames = ['Радуга', 'Олимп', 'Юность', 'Созвездие', 'Эрудит', 'Кванториум', 'Исток', 'Вдохновение', 'Импульс', 'Ника', 'Феникс', 'Атлант'];
const eponyms = [
  'А. С. Пушкина', 'Ю. А. Гагарина', 'М. В. Ломоносова', 'Л. Н. Толстого', 'А. П. Чехова', 'Героя Советского Союза Г. К. Жукова',
  'А. В. Суворова', 'М. Ю. Лермонтова', 'Н. А. Некрасова', 'Героя Советского Союза А. И. Покрышкина', 'кубанского писателя В. Г. Захарченко', 'Ф. А. Щербины',
];

interface SchoolType {
  short: string;
  full: string;
  /** Relative size: gymnasia and lyceums are bigger, basic (9-year) schools small. */
  size: number;
}
const schoolTypes = {
  sosh: { short: 'СОШ', full: 'средняя общеобразовательная школа', size: 1 },
  oosh: { short: 'ООШ', full: 'основная общеобразовательная школа', size: 0.35 },
  gymnasium: { short: 'гимназия', full: 'гимназия', size: 1.4 },
  lyceum: { short: 'лицей', full: 'лицей', size: 1.3 },
} satisfies Record<string, SchoolType>;

const clubTypes: Array<{ short: string; full: string; named: boolean; sport: boolean }> = [
  { short: 'ЦДТ', full: 'центр детского творчества', named: true, sport: false },
  { short: 'ДЮСШ', full: 'детско-юношеская спортивная школа', named: false, sport: true },
  { short: 'ДШИ', full: 'детская школа искусств', named: false, sport: false },
  { short: 'СШ', full: 'спортивная школа', named: true, sport: true },
  { short: 'ДДТ', full: 'дом детского творчества', named: true, sport: false },
  { short: 'ДМШ', full: 'детская музыкальная школа', named: false, sport: false },
  { short: 'СЮТ', full: 'станция юных техников', named: false, sport: false },
  { short: 'ЭБЦ', full: 'эколого-биологический центр', named: false, sport: false },
  { short: 'ЦРТДЮ', full: 'центр развития творчества детей и юношества', named: false, sport: false },
];

const collegeProfiles = [
  'технический колледж', 'педагогический колледж', 'медицинский колледж', 'колледж сервиса и туризма', 'аграрный техникум',
  'индустриальный техникум', 'политехнический колледж', 'музыкальный колледж', 'торгово-экономический колледж', 'строительный техникум',
  'колледж информационных технологий', 'гуманитарно-технологический колледж', 'механико-технологический техникум', 'казачий кадетский техникум',
];

const teacherSubjects: Array<[string, number, number]> = [
  // position, weight, share of women
  ['учитель начальных классов', 30, 0.97],
  ['учитель русского языка и литературы', 13, 0.95],
  ['учитель математики', 12, 0.85],
  ['учитель английского языка', 9, 0.93],
  ['учитель истории и обществознания', 6, 0.7],
  ['учитель физической культуры', 6, 0.4],
  ['учитель физики', 3.5, 0.6],
  ['учитель биологии', 3.5, 0.9],
  ['учитель химии', 3, 0.9],
  ['учитель географии', 3, 0.85],
  ['учитель информатики', 3, 0.6],
  ['учитель технологии', 3, 0.5],
  ['учитель музыки', 2, 0.85],
  ['учитель изобразительного искусства', 2, 0.85],
  ['учитель основ безопасности и защиты Родины', 1.5, 0.3],
  // кубановедение: the Krai's own school subject
  ['учитель кубановедения', 1.5, 0.85],
];
const teacherCumulative = (() => {
  let sum = 0;
  return teacherSubjects.map(([, w]) => (sum += w));
})();

const mobileCodes = ['918', '928', '988', '961', '962', '900', '905', '952', '953', '989', '967', '938'];
const mailDomains = ['mail.example', 'ya.example', 'inbox.example', 'list.example'];

const translitTable: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l', м: 'm', н: 'n', о: 'o',
  п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch', ъ: '', ы: 'y', ь: '', э: 'e',
  ю: 'yu', я: 'ya', '-': '-',
};
function translit(text: string): string {
  let out = '';
  for (const c of text.toLowerCase()) out += translitTable[c] ?? '';
  return out;
}

// --- Birth dates -------------------------------------------------------------------------------

// Grade g (1..11) in 2025/26: born from 1 March (2019 − g) to 1 March (2020 − g), i.e. 6½–7½ at
// the start of first grade. Fewer pupils in grades 10–11: many leave after grade 9 for colleges.
const gradeWeights = [1.08, 1.1, 1.06, 1.05, 1.03, 1.0, 1.0, 0.97, 0.95, 0.5, 0.46];
const gradeCumulative = (() => {
  let sum = 0;
  return gradeWeights.map((w) => (sum += w));
})();
const schoolFrom = dayOf(2008, 3, 1);
const preschoolFrom = dayOf(2019, 3, 1);
const preschoolTo = dayOf(2025, 8, 1);
/** Kindergartens take children from 1½ years. */
const kindergartenEligibleBefore = dayOf(2024, 3, 1);

function pupilBirthDay(random: Random): number {
  const grade = random.pickCumulative(gradeCumulative) + 1;
  const from = dayOf(2019 - grade, 3, 1);
  return from + random.int(0, dayOf(2020 - grade, 3, 1) - from - 1);
}

function preschoolBirthDay(random: Random): number {
  return preschoolFrom + random.int(0, preschoolTo - preschoolFrom - 1);
}

type ChildCategory = 'pupil' | 'preschool' | null;
function categoryOf(day: number): ChildCategory {
  if (day >= schoolFrom && day < preschoolFrom) return 'pupil';
  if (day >= preschoolFrom && day < preschoolTo) return 'preschool';
  return null;
}

// --- The generator -----------------------------------------------------------------------------

export interface GeneratorCounts {
  organizations: number;
  staff: number;
  children: number;
  guardians: number;
}

export class RegionGenerator {
  private readonly ids: IdSource;
  private readonly snils: SnilsIssuer;
  private readonly certificates: BirthCertificateIssuer;
  private readonly passports: PassportIssuer;
  private readonly legalEntities: LegalEntityIssuer;
  private readonly schools = new Map<number, PlacedOrganization[]>();
  private readonly kindergartens = new Map<number, PlacedOrganization[]>();
  readonly counts: GeneratorCounts = { organizations: 0, staff: 0, children: 0, guardians: 0 };
  anchors: Partial<DemoAnchors> = {};

  constructor(
    private readonly seed: number,
    private readonly plan: MunicipalityPlan[],
    private readonly sink: BulkSink,
    private readonly cast: DemoCast,
  ) {
    this.ids = new IdSource(new Random(seed, 1));
    this.snils = new SnilsIssuer(seed);
    this.certificates = new BirthCertificateIssuer(seed);
    this.passports = new PassportIssuer(seed);
    this.legalEntities = new LegalEntityIssuer(seed ^ 0x1e6a);
  }

  newId(): string {
    return this.ids.next();
  }

  // Organisations ---------------------------------------------------------------------------

  /** All organisations of one municipality, with their staff, in the order of `kindsInOrder`. */
  async organizations(planned: MunicipalityPlan): Promise<void> {
    const m = planned.municipalityId;
    const municipality = krasnodarMunicipalities[m - 1]!;
    const random = new Random(this.seed, 100 + m);
    for (const kind of kindsInOrder) {
      const count = planned.organizations[kind];
      if (kind === 'school') this.schools.set(m, this.placeSchools(random, municipality, count, planned.pupils));
      else if (kind === 'kindergarten') this.kindergartens.set(m, this.placeKindergartens(random, municipality, count, planned.preschoolChildren));
      else for (let i = 0; i < count; i++) this.otherOrganization(random, municipality, kind, i);
      const flushing = this.sink.flushFull();
      if (flushing) await flushing;
    }
  }

  private placeSchools(random: Random, municipality: MunicipalityData, count: number, pupils: number): PlacedOrganization[] {
    const city = municipality.kind === 'cityDistrict';
    const types = Array.from({ length: count }, (_, i) => {
      if (municipality.id === 1 && i === 0) return schoolTypes.sosh; // the demo school: «МБОУ СОШ № 1»
      const x = random.float();
      if (city) return x < 0.74 ? schoolTypes.sosh : x < 0.87 ? schoolTypes.gymnasium : x < 0.97 ? schoolTypes.lyceum : schoolTypes.oosh;
      return x < 0.72 ? schoolTypes.sosh : x < 0.92 ? schoolTypes.oosh : x < 0.97 ? schoolTypes.gymnasium : schoolTypes.lyceum;
    });
    const targets = apportion(pupils, types.map((t) => t.size * (0.5 + random.float() * 1.5)));
    return types.map((type, i) => {
      const target = targets[i]!;
      const autonomous = random.chance(0.2);
      const eponym = random.chance(0.22) ? random.pick(eponyms) : null;
      const number = i + 1;
      const shortName = `${autonomous ? 'МАОУ' : 'МБОУ'} ${type.short} № ${number}${eponym ? ` им. ${eponym}` : ''}`;
      const fullName =
        `Муниципальное ${autonomous ? 'автономное' : 'бюджетное'} общеобразовательное учреждение ${type.full} № ${number}` +
        `${eponym ? ` имени ${eponym}` : ''} муниципального образования ${municipality.nameRu}`;
      const capacity = Math.max(50, Math.round((target * (1.05 + random.float() * 0.25)) / 25) * 25);
      const id = this.organization(random, municipality, 'school', { shortName, fullName, capacity, mailbox: `school${number}`, year: random.int(2, 12) });
      // Staff: ~1 teacher per 12 pupils (the Krai's average), a deputy per ~400 pupils.
      const demo = municipality.id === 1 && i === 0;
      const deputies = Math.max(1, Math.round(target / 400));
      const teachers = Math.max(1, Math.round(target / 12) - deputies);
      const staff: Array<{ position: string; female: number }> = [];
      for (let d = 0; d < deputies; d++) staff.push({ position: d === 1 ? 'заместитель директора по воспитательной работе' : 'заместитель директора по учебно-воспитательной работе', female: 0.8 });
      for (let t = 0; t < teachers; t++) {
        const [position, , female] = demo && t === 0 ? teacherSubjects[2]! : teacherSubjects[random.pickCumulative(teacherCumulative)]!;
        staff.push({ position, female });
      }
      if (target > 300) staff.push({ position: 'педагог-психолог', female: 0.9 });
      if (target > 500) staff.push({ position: 'социальный педагог', female: 0.9 });
      this.staff(random, municipality, id, { position: 'директор', female: 0.75 }, staff, demo);
      return { id, target };
    });
  }

  private placeKindergartens(random: Random, municipality: MunicipalityData, count: number, preschoolChildren: number): PlacedOrganization[] {
    // About 70% of the preschool children on the register attend; the rest are under 1½ or
    // waiting for a place (the waiting list the preschool module serves).
    const weights = Array.from({ length: count }, () => 0.5 + random.float() * 1.1);
    const targets = apportion(Math.round(preschoolChildren * 0.7), weights);
    return targets.map((target, i) => {
      const number = i + 1;
      const autonomous = random.chance(0.15);
      const form = autonomous ? 'МАДОУ' : 'МБДОУ';
      const variant = random.float();
      const name = variant < 0.75 ? random.pick(kindergartenNames) : null;
      const quoted = name ? ` «${name}»` : '';
      let shortName: string;
      let kindText: string;
      if (variant > 0.9) {
        shortName = `${form} ЦРР — детский сад № ${number}`;
        kindText = `центр развития ребёнка — детский сад № ${number}`;
      } else if (variant > 0.8) {
        shortName = `${form} детский сад комбинированного вида № ${number}`;
        kindText = `детский сад комбинированного вида № ${number}`;
      } else {
        shortName = `${form} детский сад № ${number}${quoted}`;
        kindText = `детский сад № ${number}${quoted}`;
      }
      const fullName = `Муниципальное ${autonomous ? 'автономное' : 'бюджетное'} дошкольное образовательное учреждение ${kindText} муниципального образования ${municipality.nameRu}`;
      const capacity = Math.max(20, Math.round(target * (1 + random.float() * 0.06)));
      const id = this.organization(random, municipality, 'kindergarten', { shortName, fullName, capacity, mailbox: `ds${number}`, year: random.int(2, 16) });
      const staff: Array<{ position: string; female: number }> = [];
      if (target > 100) staff.push({ position: 'старший воспитатель', female: 0.99 });
      // Two educators per group of ~22 children (two shifts).
      for (let e = 0, n = Math.max(1, Math.round(target / 11)); e < n; e++) staff.push({ position: 'воспитатель', female: 0.98 });
      if (target > 60) staff.push({ position: 'музыкальный руководитель', female: 0.9 });
      if (target > 120) staff.push({ position: 'учитель-логопед', female: 0.98 });
      this.staff(random, municipality, id, { position: 'заведующий', female: 0.97 }, staff, false);
      return { id, target };
    });
  }

  private otherOrganization(random: Random, municipality: MunicipalityData, kind: OrganizationKind, index: number): void {
    const form = (autonomous: boolean) => (autonomous ? 'автономное' : 'бюджетное');
    const number = index + 1;
    if (kind === 'clubProvider') {
      const type = clubTypes[index % clubTypes.length]!;
      const round = Math.floor(index / clubTypes.length) + 1;
      const autonomous = random.chance(0.2);
      const name = type.named ? ` «${random.pick(clubNames)}»` : '';
      const numbered = !type.named || round > 1 ? ` № ${round}` : '';
      const shortName = `${autonomous ? 'МАУ' : 'МБУ'} ДО ${type.short}${numbered}${name}`;
      const fullName = `Муниципальное ${form(autonomous)} учреждение дополнительного образования ${type.full}${numbered}${name} муниципального образования ${municipality.nameRu}`;
      const capacity = random.int(6, 60) * 25;
      const id = this.organization(random, municipality, kind, { shortName, fullName, capacity, mailbox: `dop${number}`, year: random.int(2, 18) });
      const staff = Array.from({ length: Math.max(3, Math.round(capacity / 60)) }, () => ({
        position: type.sport ? 'тренер-преподаватель' : 'педагог дополнительного образования',
        female: type.sport ? 0.4 : 0.85,
      }));
      this.staff(random, municipality, id, { position: 'директор', female: 0.6 }, staff, false);
    } else if (kind === 'college') {
      const profile = collegeProfiles[index % collegeProfiles.length]!;
      const round = Math.floor(index / collegeProfiles.length);
      const title = `${places[municipality.id]!.adjective} ${profile}${round > 0 ? ` № ${round + 1}` : ''}`;
      const shortName = `ГБПОУ КК «${title}»`;
      const fullName = `Государственное бюджетное профессиональное образовательное учреждение Краснодарского края «${title}»`;
      const capacity = random.int(16, 100) * 25;
      const id = this.organization(random, municipality, kind, { shortName, fullName, capacity, mailbox: `college${number}`, year: random.int(2, 10) });
      const staff = Array.from({ length: Math.round(capacity / 25) }, () => ({ position: 'преподаватель', female: 0.7 }));
      this.staff(random, municipality, id, { position: 'директор', female: 0.5 }, staff, false);
    } else {
      const name = campNames[(index + municipality.id) % campNames.length]!;
      const autonomous = random.chance(0.7);
      const shortName = `${autonomous ? 'МАУ' : 'МБУ'} ДОЛ «${name}»${index >= campNames.length ? ` № ${number}` : ''}`;
      const fullName = `Муниципальное ${form(autonomous)} учреждение детский оздоровительный лагерь «${name}» муниципального образования ${municipality.nameRu}`;
      const capacity = random.int(8, 60) * 10;
      const id = this.organization(random, municipality, kind, { shortName, fullName, capacity, mailbox: `camp${number}`, year: random.int(2, 20), noLicence: true });
      this.staff(random, municipality, id, { position: 'начальник лагеря', female: 0.55 }, [], false);
    }
  }

  private organization(
    random: Random,
    municipality: MunicipalityData,
    kind: OrganizationKind,
    o: { shortName: string; fullName: string; capacity: number; mailbox: string; year: number; noLicence?: boolean },
  ): string {
    const id = this.newId();
    const place = places[municipality.id]!;
    const { inn, ogrn } = this.legalEntities.next(place.taxOffice, o.year);
    const domain = `${place.slug}.edu23.example`;
    this.sink.push('organization', [
      id,
      municipality.id,
      kind,
      o.fullName,
      o.shortName,
      this.address(random, municipality),
      // head_name is filled by `staff` (the head is generated right after), see pendingHead
      null,
      this.landline(random, place.phoneCode),
      `${o.mailbox}@${domain}`,
      kind === 'camp' ? null : `https://${o.mailbox}.${domain}`,
      inn,
      ogrn,
      o.noLicence ? null : `Л035-01218-23/00${inn.slice(4, 9)}${inn.slice(9)}`,
      o.capacity,
    ]);
    this.counts.organizations += 1;
    return id;
  }

  private address(random: Random, municipality: MunicipalityData): string {
    const place = places[municipality.id]!;
    const centreShare = municipality.kind === 'cityDistrict' ? 0.8 : 0.45;
    const settlement = random.chance(centreShare) ? place.settlements[0]! : random.pick(place.settlements.slice(1));
    const own = cityStreets[municipality.id];
    const street = own && settlement === place.settlements[0] && random.chance(0.6) ? random.pick(own) : random.pick(streets);
    const big = municipality.kind === 'cityDistrict' && settlement === place.settlements[0];
    let house = String(random.int(1, big ? 260 : 120));
    const suffix = random.float();
    if (suffix < 0.08) house += random.pick(['А', 'Б', 'В']);
    else if (suffix < 0.12) house += `/${random.int(1, 9)}`;
    return `${place.postalPrefix}${random.int(0, 9)}, Краснодарский край, ${settlement}, ${street}, д. ${house}`;
  }

  private landline(random: Random, code: string): string {
    const digits = String(random.int(0, 10 ** (10 - code.length) - 1)).padStart(10 - code.length, '0');
    // the first digit of a local number is 2–7
    const local = String(random.int(2, 7)) + digits.slice(1);
    if (local.length === 7) return `+7 (${code}) ${local.slice(0, 3)}-${local.slice(3, 5)}-${local.slice(5)}`;
    if (local.length === 6) return `+7 (${code}) ${local.slice(0, 2)}-${local.slice(2, 4)}-${local.slice(4)}`;
    return `+7 (${code}) ${local.slice(0, 1)}-${local.slice(1, 3)}-${local.slice(3)}`;
  }

  private mobile(random: Random): string {
    const n = String(random.int(0, 9_999_999)).padStart(7, '0');
    return `+7 ${random.pick(mobileCodes)} ${n.slice(0, 3)}-${n.slice(3, 5)}-${n.slice(5)}`;
  }

  private email(random: Random, firstName: string, lastName: string, birthDay: number): string {
    const style = random.int(0, 2);
    const local =
      style === 0
        ? `${translit(firstName)}.${translit(lastName)}`
        : style === 1
          ? `${translit(lastName)}${yearOfDay(birthDay) % 100}`
          : `${translit(firstName)[0]}${translit(lastName)}${random.int(1, 99)}`;
    return `${local}@${random.pick(mailDomains)}`;
  }

  /** The head (whose name goes into organization.head_name) and the rest of the staff. */
  private staff(
    random: Random,
    municipality: MunicipalityData,
    organizationId: string,
    head: { position: string; female: number },
    others: Array<{ position: string; female: number }>,
    demo: boolean,
  ): void {
    const hire = (personId: string, position: string, birthDay: number) => {
      const earliest = Math.max(anniversary(birthDay, 22), dayOf(1985, 8, 15));
      const hiredOn = earliest >= referenceDay ? referenceDay - 1 : earliest + random.int(0, referenceDay - earliest - 1);
      this.sink.push('staff_member', [personId, organizationId, position, isoDate(hiredOn)]);
    };
    const headCast = demo ? this.cast.head : null;
    const headSex: Sex = headCast ? headCast.sex : random.chance(head.female) ? 'female' : 'male';
    const headBirth = dayOf(1962, 1, 1) + random.int(0, Math.round(23 * yearDays));
    const headPerson = this.adult(random, municipality.id, headSex, headBirth, { cast: headCast, phone: 1, email: 0.6 });
    hire(headPerson.id, head.position, headBirth);
    // The organisation row was pushed just before; set its head's name in the pending batch.
    this.sink.patchLast('organization', 6, `${headPerson.lastName} ${headPerson.firstName} ${headPerson.middleName ?? ''}`.trim());
    if (demo) this.anchors.headPersonId = headPerson.id;
    const firstTeacher = demo ? others.findIndex((o) => o.position.startsWith('учитель')) : -1;
    others.forEach((member, i) => {
      const cast = i === firstTeacher ? this.cast.teacher : null;
      const sex: Sex = cast ? cast.sex : random.chance(member.female) ? 'female' : 'male';
      const birth = dayOf(1960, 1, 1) + random.int(0, Math.round(41 * yearDays));
      const person = this.adult(random, municipality.id, sex, birth, { cast, phone: 0.9, email: 0.5 });
      hire(person.id, member.position, birth);
      if (cast) this.anchors.teacherPersonId = person.id;
    });
    this.counts.staff += 1 + others.length;
  }

  /** An adult: SNILS, passport (replaced at 20 and 45, so the series says when), contacts. */
  private adult(
    random: Random,
    municipalityId: number,
    sex: Sex,
    birthDay: number,
    o: { cast?: CastMember | null; lastName?: string; firstName?: string; middleName?: string; phone: number; email: number },
  ): { id: string; lastName: string; firstName: string; middleName: string | null } {
    const id = this.newId();
    const lastName = o.cast?.lastName ?? o.lastName ?? surnameFor(randomSurname(random), sex);
    const firstName = o.cast?.firstName ?? o.firstName ?? adultFirstName(random, sex);
    const middleName = o.cast ? o.cast.middleName : (o.middleName ?? adultPatronymic(random, sex));
    const birthYear = yearOfDay(birthDay);
    const issueYear = birthYear + 45 <= referenceYear ? birthYear + 45 : birthYear + 20 <= referenceYear ? birthYear + 20 : birthYear + 14;
    const passport = this.passports.next(issueYear);
    const phone = random.chance(o.phone) ? this.mobile(random) : null;
    const email = random.chance(o.email) ? this.email(random, firstName, lastName, birthDay) : null;
    this.sink.push('person', [
      id, lastName, firstName, middleName, isoDate(birthDay), sex, this.snils.next(), null, null,
      passport.series, passport.number, phone, email, municipalityId, null,
    ]);
    return { id, lastName, firstName, middleName };
  }

  // Families -----------------------------------------------------------------------------------

  /** The children of one municipality, in families with their guardians. */
  async families(planned: MunicipalityPlan, onChildren: (children: number) => void): Promise<void> {
    const m = planned.municipalityId;
    const random = new Random(this.seed, 1000 + m);
    const schools = this.schools.get(m) ?? [];
    const kindergartens = this.kindergartens.get(m) ?? [];
    const pupilSlots = slots(random, schools);
    const kindergartenSlots = slots(random, kindergartens);
    const state = { pupilsLeft: planned.pupils, preschoolLeft: planned.preschoolChildren, pupilSlot: 0, kindergartenSlot: 0 };
    const place = (category: 'pupil' | 'preschool', birthDay: number): string | null => {
      if (category === 'pupil') {
        const slot = pupilSlots[state.pupilSlot++];
        return slot === undefined ? (schools[0]?.id ?? null) : schools[slot]!.id;
      }
      if (birthDay >= kindergartenEligibleBefore || state.kindergartenSlot >= kindergartenSlots.length || !random.chance(0.93)) return null;
      return kindergartens[kindergartenSlots[state.kindergartenSlot++]!]!.id;
    };

    if (m === 1 && schools.length > 0 && kindergartens.length > 0) {
      // The demo family goes first and takes the first slots, which point at the demo school
      // and the first kindergarten.
      moveToFront(pupilSlots, 0);
      moveToFront(kindergartenSlots, 0);
      this.demoFamily(random, m, place, state);
    }

    let sinceReport = 0;
    while (state.pupilsLeft > 0 || state.preschoolLeft > 0) {
      const births = this.siblingBirths(random, state);
      sinceReport += births.length;
      this.family(random, m, births, place);
      const flushing = this.sink.flushFull();
      if (flushing) {
        await flushing;
        onChildren(sinceReport);
        sinceReport = 0;
      }
    }
    onChildren(sinceReport);
  }

  /** Birth days of the children of one family, within the municipality's remaining quotas. */
  private siblingBirths(random: Random, state: { pupilsLeft: number; preschoolLeft: number }): Array<{ day: number; category: 'pupil' | 'preschool' }> {
    const x = random.float();
    const size = x < 0.48 ? 1 : x < 0.85 ? 2 : x < 0.97 ? 3 : 4;
    const firstIsPupil = random.float() * (state.pupilsLeft + state.preschoolLeft) < state.pupilsLeft;
    const first = firstIsPupil ? pupilBirthDay(random) : preschoolBirthDay(random);
    const births: Array<{ day: number; category: 'pupil' | 'preschool' }> = [];
    const take = (day: number) => {
      const category = categoryOf(day);
      if (category === 'pupil' && state.pupilsLeft > 0) state.pupilsLeft -= 1;
      else if (category === 'preschool' && state.preschoolLeft > 0) state.preschoolLeft -= 1;
      else return;
      births.push({ day, category });
    };
    take(first);
    let previous = first;
    for (let k = 1; k < size; k++) {
      // twins now and then; otherwise 1¼–7 years apart, before or after
      const day = random.chance(0.03) ? previous : previous + (random.chance(0.5) ? 1 : -1) * random.int(460, 2550);
      if (births.some((b) => b.day !== day && Math.abs(b.day - day) < 300)) continue;
      take(day);
      previous = day;
    }
    return births;
  }

  private family(
    random: Random,
    m: number,
    births: Array<{ day: number; category: 'pupil' | 'preschool' }>,
    place: (category: 'pupil' | 'preschool', birthDay: number) => string | null,
  ): void {
    const surname = randomSurname(random);
    const oldest = Math.min(...births.map((b) => b.day));
    const roll = random.float();
    const guardians: Array<{ id: string; relation: 'mother' | 'father' | 'guardian' }> = [];
    // the father's name gives the children's patronymic even when he is not on the record
    const father: MaleName = fatherName(random);
    if (roll < 0.015) {
      // a grandmother as the appointed guardian (опекун)
      const birth = oldest - random.int(Math.round(44 * yearDays), Math.round(62 * yearDays));
      const granny = this.adult(random, m, 'female', birth, { lastName: surnameFor(surname, 'female'), firstName: elderWomanName(random), phone: 0.9, email: 0.1 });
      guardians.push({ id: granny.id, relation: 'guardian' });
    } else {
      const motherBirth = oldest - random.int(Math.round(19.5 * yearDays), Math.round(37 * yearDays));
      const hasMother = roll < 0.985;
      const hasFather = !hasMother || random.chance(0.76);
      if (hasMother) {
        // most mothers share the family name; some kept their own
        const lastName = random.chance(0.9) ? surnameFor(surname, 'female') : surnameFor(randomSurname(random), 'female');
        const mother = this.adult(random, m, 'female', motherBirth, { lastName, phone: 0.97, email: 0.6 });
        guardians.push({ id: mother.id, relation: 'mother' });
      }
      if (hasFather) {
        const birth = motherBirth - random.int(Math.round(-2 * yearDays), Math.round(8 * yearDays));
        const dad = this.adult(random, m, 'male', Math.min(birth, oldest - Math.round(19 * yearDays)), {
          lastName: surname,
          firstName: father[0],
          phone: 0.92,
          email: 0.45,
        });
        guardians.push({ id: dad.id, relation: 'father' });
      }
    }
    this.counts.guardians += guardians.length;
    for (const birth of births) {
      const sex: Sex = random.chance(0.512) ? 'male' : 'female';
      const childId = this.child(random, m, {
        sex,
        lastName: surnameFor(surname, sex),
        firstName: childFirstName(random, sex),
        middleName: patronymicFrom(father, sex),
        birthDay: birth.day,
        organizationId: place(birth.category, birth.day),
      });
      for (const g of guardians) this.sink.push('guardian_link', [g.id, childId, g.relation]);
    }
  }

  /** A child: SNILS, birth certificate, and a passport from 14. */
  private child(
    random: Random,
    m: number,
    c: { sex: Sex; lastName: string; firstName: string; middleName: string; birthDay: number; organizationId: string | null },
  ): string {
    const id = this.newId();
    const certificate = this.certificates.next(yearOfDay(c.birthDay), m);
    const fourteen = anniversary(c.birthDay, 14);
    const passport = fourteen <= referenceDay ? this.passports.next(yearOfDay(fourteen)) : null;
    const phone = passport && random.chance(0.6) ? this.mobile(random) : null;
    this.sink.push('person', [
      id, c.lastName, c.firstName, c.middleName, isoDate(c.birthDay), c.sex, this.snils.next(), certificate.series, certificate.number,
      passport?.series ?? null, passport?.number ?? null, phone, null, m, c.organizationId,
    ]);
    this.counts.children += 1;
    return id;
  }

  /**
   * The family behind the `parent` and `pupil` demo logins: the mother, the father, a pupil of
   * the demo school and a younger child in the first kindergarten of the city.
   */
  private demoFamily(
    random: Random,
    m: number,
    place: (category: 'pupil' | 'preschool', birthDay: number) => string | null,
    state: { pupilsLeft: number; preschoolLeft: number },
  ): void {
    const parent = this.cast.parent;
    const pupil = this.cast.pupil;
    const surname = surnameFor(pupil.lastName, 'male');
    const mother = this.adult(random, m, parent.sex, dayOf(1988, 4, 14), { cast: parent, phone: 1, email: 1 });
    const dad: MaleName = ['Сергей', 'Сергеевич', 'Сергеевна'];
    const father = this.adult(random, m, 'male', dayOf(1986, 11, 2), { lastName: surname, firstName: dad[0], phone: 1, email: 0 });
    const pupilBirth = dayOf(2013, 5, 20);
    const pupilId = this.child(random, m, {
      sex: pupil.sex,
      lastName: pupil.lastName,
      firstName: pupil.firstName,
      middleName: pupil.middleName ?? patronymicFrom(dad, pupil.sex),
      birthDay: pupilBirth,
      organizationId: place('pupil', pupilBirth),
    });
    const sisterBirth = dayOf(2021, 2, 10);
    let kindergartenId: string | null = null;
    // force the place (the 7% "not yet" draw must not leave the demo without a kindergarten)
    for (let attempt = 0; attempt < 50 && !kindergartenId; attempt++) kindergartenId = place('preschool', sisterBirth);
    const sisterId = this.child(random, m, {
      sex: 'female',
      lastName: surnameFor(surname, 'female'),
      firstName: 'Варвара',
      middleName: patronymicFrom(dad, 'female'),
      birthDay: sisterBirth,
      organizationId: kindergartenId,
    });
    state.pupilsLeft -= 1;
    state.preschoolLeft -= 1;
    for (const childId of [pupilId, sisterId]) {
      this.sink.push('guardian_link', [mother.id, childId, 'mother']);
      this.sink.push('guardian_link', [father.id, childId, 'father']);
    }
    this.counts.guardians += 2;
    this.anchors.parentPersonId = mother.id;
    this.anchors.pupilPersonId = pupilId;
    this.anchors.preschoolChildPersonId = sisterId;
  }

  schoolsOf(municipalityId: number): readonly PlacedOrganization[] {
    return this.schools.get(municipalityId) ?? [];
  }

  kindergartensOf(municipalityId: number): readonly PlacedOrganization[] {
    return this.kindergartens.get(municipalityId) ?? [];
  }
}

/** Each organisation's index repeated `target` times, shuffled: the places children draw in turn. */
function slots(random: Random, organizations: readonly PlacedOrganization[]): Int32Array {
  const total = organizations.reduce((sum, o) => sum + o.target, 0);
  const out = new Int32Array(total);
  let k = 0;
  organizations.forEach((o, i) => {
    for (let j = 0; j < o.target; j++) out[k++] = i;
  });
  return random.shuffle(out);
}

function moveToFront(items: Int32Array, value: number): void {
  const at = items.indexOf(value);
  if (at > 0) [items[0], items[at]] = [items[at]!, items[0]!];
}
