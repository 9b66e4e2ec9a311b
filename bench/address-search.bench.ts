/**
 * `npx tsx bench/address-search.bench.ts [--keep]`: address search by typing at the Krai's size on
 * PostgreSQL. Generates (same names and counts every run, ~5 minutes) 1,700 settlements × 36 Kuban streets ×
 * ~25 houses ≈ 1.5 million houses into the database `addr_bench` on BENCH_DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres), or reuses it with --keep, then times
 * searchAddresses for 300 random houses typed five ways. Prints p50/p95/max wall-clock per query.
 */
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { connectDatabase } from '../src/platform/db/connect.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { installRegion } from '../src/registry/region.service.ts';
import { nameWords, nameSearchKey, houseNumberKey, houseNumberInt } from '../src/registry/address.normalize.ts';
import { searchAddresses } from '../src/registry/address.service.ts';
import { streets as streetNames } from '../src/demo/places.ts';
import { Random } from '../src/demo/random.ts';

const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const benchUrl = (() => {
  const url = new URL(adminUrl);
  url.pathname = '/addr_bench';
  return url.toString();
})();
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
const fresh = !process.argv.includes('--keep');
if (fresh) {
  await admin.query('DROP DATABASE IF EXISTS addr_bench WITH (FORCE)');
  await admin.query('CREATE DATABASE addr_bench');
}
await admin.end();
const handle = await connectDatabase({ databaseUrl: benchUrl, poolSize: 4 });
const client = new pg.Client({ connectionString: benchUrl });
await client.connect();
const random = new Random(7, 1);
const prefixes = ['Ново', 'Старо', 'Верхне', 'Нижне', 'Красно', 'Бело', 'Кра', 'Ста', 'Пав', 'Тих'];
const roots = ['покровская', 'михайловская', 'николаевская', 'ивановская', 'александровская', 'троицкая', 'успенская', 'петровская', 'васильевская', 'григорьевская', 'деревянковская', 'минская', 'джерелиевская', 'щербиновская', 'леушковская', 'титаровская', 'корсунская', 'нижестеблиевская', 'полтавская', 'марьянская'];
const types = ['ст-ца', 'х', 'п', 'с'];
if (fresh) {
  await migrate(handle);
  await installRegion(handle.db);
  const t0 = performance.now();
  let objectId = 1;
  const settlementCount = 1700;
  const houseTarget = 1_500_000;
  const streetsPerSettlement = 36;
  const housesPerStreet = Math.round(houseTarget / (settlementCount * streetsPerSettlement));
  const flushObjects = async (rows: any[][]) => {
    if (!rows.length) return;
    const cols = rows[0]!.map((_, i) => rows.map((r) => r[i]));
    await client.query(`INSERT INTO address_object (id, object_id, level, kind, name, type_name, parent_id, municipality_id, label, search_key) SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::smallint[], $4::text[], $5::text[], $6::text[], $7::uuid[], $8::int[], $9::text[], $10::text[])`, cols);
  };
  const flushWords = async (rows: any[][]) => {
    if (!rows.length) return;
    const cols = rows[0]!.map((_, i) => rows.map((r) => r[i]));
    await client.query(`INSERT INTO address_object_word (word, object_id, own) SELECT * FROM unnest($1::text[], $2::uuid[], $3::bool[]) ON CONFLICT DO NOTHING`, cols);
  };
  const flushHouses = async (rows: any[][]) => {
    if (!rows.length) return;
    const cols = rows[0]!.map((_, i) => rows.map((r) => r[i]));
    await client.query(`INSERT INTO address_house (id, object_id, parent_id, settlement_id, municipality_id, house_number, number_key, number_int, residential, label) SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::uuid[], $4::uuid[], $5::int[], $6::text[], $7::text[], $8::int[], $9::bool[], $10::text[])`, cols);
  };
  let houses: any[][] = [];
  let total = 0;
  for (let s = 0; s < settlementCount; s++) {
    const municipalityId = 1 + (s % 44);
    const name = s === 0 ? 'Краснодар' : `${random.pick(prefixes)}${random.pick(roots)}`;
    const type = s === 0 ? 'г' : random.pick(types);
    const sid = randomUUID();
    const slabel = `${type} ${name}`;
    const objs: any[][] = [[sid, objectId++, 6, 'settlement', name, type, null, municipalityId, slabel, nameSearchKey(name)]];
    const words: any[][] = nameWords(name).map((w) => [w, sid, true]);
    const names = random.shuffle([...streetNames]).slice(0, streetsPerSettlement);
    const streetIds: Array<[string, string]> = [];
    for (const full of names) {
      // 'ул. Красная' or 'Курортный пр-т': the type is the word with a dot or a hyphen
      const parts = full.split(' ');
      const typeAtEnd = /-/.test(parts.at(-1)!) || parts.at(-1) === 'шоссе';
      const stype = (typeAtEnd ? parts.at(-1)! : parts[0]!).replace('.', '');
      const sname = (typeAtEnd ? parts.slice(0, -1) : parts.slice(1)).join(' ');
      const id = randomUUID();
      const label = `${slabel}, ${stype} ${sname}`;
      objs.push([id, objectId++, 8, 'street', sname, stype, sid, municipalityId, label, nameSearchKey(sname)]);
      const own = nameWords(sname);
      for (const w of own) words.push([w, id, true]);
      for (const w of nameWords(name)) if (!own.includes(w)) words.push([w, id, false]);
      streetIds.push([id, label]);
    }
    await flushObjects(objs);
    await flushWords(words);
    for (const [id, label] of streetIds) {
      const n = random.int(1, housesPerStreet * 2);
      for (let h = 1; h <= n; h++) {
        const num = random.chance(0.05) ? `${h}а` : String(h);
        houses.push([randomUUID(), objectId++, id, sid, municipalityId, num, houseNumberKey(num), houseNumberInt(num), !random.chance(0.03), `${label}, д. ${num}`]);
      }
    }
    if (houses.length >= 20000) {
      total += houses.length;
      await flushHouses(houses);
      houses = [];
    }
  }
  total += houses.length;
  await flushHouses(houses);
  await client.query('VACUUM ANALYZE');
  console.log(`generated ${total} houses in ${Math.round(performance.now() - t0)} ms`);
}
const counts = await client.query(`SELECT (SELECT count(*) FROM address_house) houses, (SELECT count(*) FROM address_object) objects, (SELECT count(*) FROM address_object_word) words`);
console.log(counts.rows[0]);
const sample = (await client.query(`SELECT h.house_number, o.name street, s.name settlement FROM address_house h JOIN address_object o ON o.id = h.parent_id JOIN address_object s ON s.id = h.settlement_id ORDER BY random() LIMIT 300`)).rows;
const kinds: Record<string, (r: any) => string> = {
  'street + number': (r) => `${r.street} ${r.house_number}`,
  'ул. street, д number': (r) => `ул. ${r.street}, д ${r.house_number}`,
  'settlement street number': (r) => `${r.settlement} ${r.street} ${r.house_number}`,
  'prefixes (3 letters)': (r) => `${String(r.settlement).slice(0, 4)} ${String(r.street).slice(0, 3)} ${r.house_number}`,
  'street only': (r) => `${r.street}`,
};
for (const [kind, make] of Object.entries(kinds)) {
  const times: number[] = [];
  let hits = 0;
  for (const r of sample) {
    const t = performance.now();
    const found = await searchAddresses(handle.db, { query: make(r), limit: 10 });
    times.push(performance.now() - t);
    if (found.length) hits++;
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(1);
  console.log(`${kind.padEnd(28)} p50 ${q(0.5)} ms  p95 ${q(0.95)} ms  max ${q(1)} ms  (hits ${hits}/${sample.length})`);
}
await client.end();
await handle.close();
