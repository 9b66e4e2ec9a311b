import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { innCheckDigit, isValidInn, isValidOgrn, isValidSnils, normalizeBirthCertificateSeries, ogrnCheckDigit, snilsChecksum } from './identifiers.ts';

test('a real INN of a legal entity passes and a changed digit fails', () => {
  assert.equal(isValidInn('7707083893'), true); // Sberbank
  assert.equal(isValidInn('7707083894'), false);
  assert.equal(isValidInn('770708389'), false);
});

test('a real OGRN passes and a changed digit fails', () => {
  assert.equal(isValidOgrn('1027700132195'), true); // Sberbank
  assert.equal(isValidOgrn('1027700132196'), false);
});

test('SNILS checksum follows the PFR rules, including sums of 100 and over 101', () => {
  assert.equal(isValidSnils('112-233-445 95'), true);
  assert.equal(isValidSnils('11223344596'), false);
  assert.equal(snilsChecksum('000000000'), 0);
});

test('any generated INN, OGRN and SNILS with computed check digits validates', () => {
  fc.assert(
    fc.property(fc.stringMatching(/^\d{9}$/), fc.stringMatching(/^[1-9]\d{11}$/), (nine, twelve) => {
      assert.ok(isValidInn(nine + innCheckDigit(nine)));
      assert.ok(isValidOgrn(twelve + ogrnCheckDigit(twelve)));
      assert.ok(isValidSnils(nine + String(snilsChecksum(nine)).padStart(2, '0')));
    }),
  );
});

test('birth certificate series is normalised from what people type', () => {
  assert.equal(normalizeBirthCertificateSeries('iv-аг'), 'IV-АГ');
  assert.equal(normalizeBirthCertificateSeries('IV АГ'), 'IV-АГ');
  assert.equal(normalizeBirthCertificateSeries('IV-AK'), 'IV-АК');
  assert.equal(normalizeBirthCertificateSeries('12-АГ'), null);
  assert.equal(normalizeBirthCertificateSeries('IV-А'), null);
});
