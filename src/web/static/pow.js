// Proof of work for anonymous, expensive requests (ALTCHA v1 protocol, self-hosted; see
// src/platform/http/proof-of-work.ts). No widget library: fetch a signed challenge, find
// n with SHA-256(salt + n) = challenge using crypto.subtle, and hand back the base64 payload.
//
// Forms: <form data-pow-challenge="/api/v1/proof-of-work/challenge"> get a hidden field
// `altcha` filled on submit. Scripts: window.prostorPow.solve(url) resolves to the payload to send
// in the X-Altcha header. Without JavaScript the form posts as it is and the server falls back
// to its per-IP limits (pages) or a logged-in session (submissions).
(function () {
  'use strict';
  var encoder = new TextEncoder();

  function hex(buffer) {
    var bytes = new Uint8Array(buffer);
    var out = '';
    for (var i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
    return out;
  }

  async function solveChallenge(c) {
    var algorithm = c.algorithm || 'SHA-256';
    var max = c.maxnumber || 1000000;
    var started = Date.now();
    for (var n = 0; n <= max; n++) {
      var digest = await crypto.subtle.digest(algorithm, encoder.encode(c.salt + n));
      if (hex(digest) === c.challenge) {
        var payload = { algorithm: algorithm, challenge: c.challenge, number: n, salt: c.salt, signature: c.signature, took: Date.now() - started };
        return btoa(JSON.stringify(payload));
      }
    }
    throw new Error('proof of work: no solution');
  }

  async function solve(url) {
    var response = await fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error('proof of work: challenge ' + response.status);
    return solveChallenge(await response.json());
  }

  window.prostorPow = { solve: solve };

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
