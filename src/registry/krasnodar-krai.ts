/**
 * Krasnodar Krai: the region and its 44 municipalities (7 city districts, 37 districts), with
 * approximate populations in thousands (../shared/domain/region.md) used to weight the demo.
 * Ids are stable: they appear in URLs, API payloads and role grants.
 */
export interface MunicipalityData {
  id: number;
  code: string;
  kind: 'cityDistrict' | 'district';
  nameRu: string;
  nameEn: string;
  populationThousands: number;
}

export const krasnodarKrai = { id: 23, code: '23', nameRu: 'Краснодарский край', nameEn: 'Krasnodar Krai', timeZone: 'Europe/Moscow' };

const cities: Array<[string, string, number]> = [
  ['Краснодар', 'Krasnodar', 1100],
  ['Сочи', 'Sochi', 470],
  ['Новороссийск', 'Novorossiysk', 340],
  ['Анапа', 'Anapa', 220],
  ['Армавир', 'Armavir', 190],
  ['Геленджик', 'Gelendzhik', 120],
  ['Горячий Ключ', 'Goryachy Klyuch', 70],
];

const districts: Array<[string, string, number]> = [
  ['Абинский', 'Abinsky', 100],
  ['Апшеронский', 'Apsheronsky', 95],
  ['Белоглинский', 'Beloglinsky', 30],
  ['Белореченский', 'Belorechensky', 105],
  ['Брюховецкий', 'Bryukhovetsky', 50],
  ['Выселковский', 'Vyselkovsky', 60],
  ['Гулькевичский', 'Gulkevichsky', 95],
  ['Динской', 'Dinskoy', 150],
  ['Ейский', 'Yeysky', 130],
  ['Кавказский', 'Kavkazsky', 120],
  ['Калининский', 'Kalininsky', 50],
  ['Каневской', 'Kanevskoy', 100],
  ['Кореновский', 'Korenovsky', 85],
  ['Красноармейский', 'Krasnoarmeysky', 100],
  ['Крыловский', 'Krylovsky', 35],
  ['Крымский', 'Krymsky', 125],
  ['Курганинский', 'Kurganinsky', 100],
  ['Кущёвский', 'Kushchyovsky', 65],
  ['Лабинский', 'Labinsky', 95],
  ['Ленинградский', 'Leningradsky', 65],
  ['Мостовский', 'Mostovsky', 65],
  ['Новокубанский', 'Novokubansky', 80],
  ['Новопокровский', 'Novopokrovsky', 40],
  ['Отрадненский', 'Otradnensky', 60],
  ['Павловский', 'Pavlovsky', 65],
  ['Приморско-Ахтарский', 'Primorsko-Akhtarsky', 55],
  ['Северский', 'Seversky', 120],
  ['Славянский', 'Slavyansky', 125],
  ['Староминский', 'Starominsky', 40],
  ['Тбилисский', 'Tbilissky', 45],
  ['Темрюкский', 'Temryuksky', 120],
  ['Тимашёвский', 'Timashyovsky', 105],
  ['Тихорецкий', 'Tikhoretsky', 110],
  ['Туапсинский', 'Tuapsinsky', 120],
  ['Успенский', 'Uspensky', 40],
  ['Усть-Лабинский', 'Ust-Labinsky', 110],
  ['Щербиновский', 'Shcherbinovsky', 35],
];

export const krasnodarMunicipalities: MunicipalityData[] = [
  ...cities.map(([ru, en, population], i) => ({
    id: i + 1,
    code: `23-${String(i + 1).padStart(2, '0')}`,
    kind: 'cityDistrict' as const,
    nameRu: `город ${ru}`,
    nameEn: `${en} city`,
    populationThousands: population,
  })),
  ...districts.map(([ru, en, population], i) => ({
    id: cities.length + i + 1,
    code: `23-${String(cities.length + i + 1).padStart(2, '0')}`,
    kind: 'district' as const,
    nameRu: `${ru} район`,
    nameEn: `${en} District`,
    populationThousands: population,
  })),
];
