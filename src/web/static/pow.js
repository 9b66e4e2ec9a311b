// Proof of work for anonymous, expensive requests (ALTCHA v1 protocol, self-hosted; see
// src/platform/http/proof-of-work.ts). No widget library: fetch a signed challenge, find n with
// SHA-256(salt + n) = challenge using crypto.subtle, and hand back the base64 payload.
//
// The search runs in workers started from this same file (allowed by the CSP: same origin; up to
// four, each taking every fourth number), so the page keeps answering while a cheap phone hashes
// for a second; where workers are missing it runs in the page in batches of awaited digests,
// which still yield between batches.
//
// Scripts: window.prostorPow.fetch(url, init) sends a request with a search allowance (one
// solution buys a few minutes of typing search; renewed when the server refuses it);
// window.prostorPow.solve() gives a solution for the X-Altcha header. Forms:
// <form data-pow-challenge="/api/v1/proof-of-work/challenge"> get a hidden field `altcha` filled
// on submit. Without JavaScript nothing of this runs and the pages' forms work as they are.
(function () {
  'use strict';
  var CHALLENGE_URL = '/api/v1/proof-of-work/challenge';
  var ALLOWANCE_URL = '/api/v1/proof-of-work/allowance';
  var BATCH = 500; // digests in flight at once: one await per batch, not per number
  var encoder = new TextEncoder();

  function bytesOfHex(hex) {
    var bytes = new Uint8Array(hex.length / 2);
    for (var i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.substr(i * 2, 2), 16);
    return bytes;
  }

  function same(buffer, target) {
    var bytes = new Uint8Array(buffer);
    if (bytes.length !== target.length) return false;
    for (var i = 0; i < bytes.length; i++) if (bytes[i] !== target[i]) return false;
    return true;
  }

  /** The secret number of a challenge among start, start + step, start + 2·step, … — or -1. */
  async function search(c, start, step) {
    var algorithm = c.algorithm || 'SHA-256';
    var target = bytesOfHex(c.challenge);
    var max = c.maxnumber || 1000000;
    for (var first = start; first <= max; first += BATCH * step) {
      var digests = [];
      for (var n = first; n <= max && n < first + BATCH * step; n += step) digests.push(crypto.subtle.digest(algorithm, encoder.encode(c.salt + n)));
      var done = await Promise.all(digests);
      for (var i = 0; i < done.length; i++) if (same(done[i], target)) return first + i * step;
    }
    return -1;
  }

  // In a worker (this file, started by the page below): solve what the page sends.
  if (typeof window === 'undefined') {
    self.onmessage = function (event) {
      search(event.data.challenge, event.data.start, event.data.step).then(
        function (number) { self.postMessage({ number: number }); },
        function () { self.postMessage({ number: -1 }); },
      );
    };
    return;
  }

  var scriptUrl = (document.currentScript && document.currentScript.src) || '/static/pow.js';

  /** Searches in a few workers at once (each takes every k-th number); the first to find wins. */
  function findNumber(c) {
    var inPage = function () { return search(c, 0, 1); };
    if (typeof Worker !== 'function') return inPage();
    var count = Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1));
    return new Promise(function (resolve) {
      var workers = [];
      var left = count;
      var finished = false;
      // result: the number, or the in-page search to fall back on (started only once).
      var finish = function (result) {
        if (finished) return;
        finished = true;
        workers.forEach(function (w) { w.terminate(); });
        resolve(typeof result === 'function' ? result() : result);
      };
      try {
        for (var i = 0; i < count; i++) workers.push(new Worker(scriptUrl));
      } catch (e) {
        finish(inPage);
        return;
      }
      workers.forEach(function (worker, i) {
        worker.onmessage = function (event) {
          left -= 1;
          if (event.data.number >= 0 || left === 0) finish(event.data.number);
        };
        worker.onerror = function (event) {
          event.preventDefault();
          finish(inPage);
        };
        worker.postMessage({ challenge: c, start: i, step: count });
      });
    });
  }

  /** Fetches a challenge and resolves to the base64 solution (the X-Altcha header's value). */
  async function solve(url) {
    var response = await fetch(url || CHALLENGE_URL, { credentials: 'same-origin', headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error('proof of work: challenge ' + response.status);
    var c = await response.json();
    var started = Date.now();
    var number = await findNumber(c);
    if (number < 0) throw new Error('proof of work: no solution');
    return btoa(JSON.stringify({ algorithm: c.algorithm, challenge: c.challenge, number: number, salt: c.salt, signature: c.signature, took: Date.now() - started }));
  }

  // The search allowance of this page: one at a time, shared by every request of the page.
  var allowance = null; // { token, left }
  var pending = null;

  function currentAllowance() {
    if (allowance && allowance.left > 0) return Promise.resolve(allowance);
    if (!pending) {
      pending = solve()
        .then(function (solution) {
          return fetch(ALLOWANCE_URL, { method: 'POST', credentials: 'same-origin', headers: { accept: 'application/json', 'x-altcha': solution } });
        })
        .then(function (response) {
          if (!response.ok) throw new Error('proof of work: allowance ' + response.status);
          return response.json();
        })
        .then(function (body) {
          allowance = { token: body.allowance, left: body.requests };
          return allowance;
        })
        .finally(function () {
          pending = null;
        });
    }
    return pending;
  }

  /** fetch() with the page's allowance; a refused allowance (expired, used up) is renewed once. */
  async function fetchWithAllowance(url, init, renewed) {
    var a = await currentAllowance();
    a.left -= 1;
    var headers = new Headers((init && init.headers) || {});
    headers.set('x-pow-allowance', a.token);
    var response = await fetch(url, Object.assign({}, init, { headers: headers, credentials: 'same-origin' }));
    if (response.status === 403 && !renewed) {
      if (allowance === a) allowance = null;
      return fetchWithAllowance(url, init, true);
    }
    return response;
  }

  window.prostorPow = {
    solve: solve,
    fetch: function (url, init) { return fetchWithAllowance(url, init, false); },
    /** Starts solving ahead (e.g. when the search field gets focus); resolves when ready. */
    prepare: function () { return currentAllowance().then(function () {}); },
  };

  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.powChallenge || form.dataset.powDone === '1') return;
    event.preventDefault();
    var button = form.querySelector('button[type="submit"], button:not([type])');
    if (button) button.setAttribute('aria-busy', 'true');
    solve(form.dataset.powChallenge)
      .then(function (payload) {
        var field = form.querySelector('input[name="altcha"]');
        if (!field) {
          field = document.createElement('input');
          field.type = 'hidden';
          field.name = 'altcha';
          form.appendChild(field);
        }
        field.value = payload;
      })
      .catch(function () {
        // Post without the solution: the server decides (and explains) what to do.
      })
      .then(function () {
        form.dataset.powDone = '1';
        if (button) button.removeAttribute('aria-busy');
        form.submit();
      });
  });
})();
