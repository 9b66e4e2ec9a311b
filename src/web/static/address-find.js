// Find your school by address: as the visitor types, the houses found appear under the field
// (links to the same page the form leads to). Without JavaScript the form does the same in one
// more step. Results are announced politely to screen readers.
//
// The JSON search wants proof of work from a visitor without a session: pow.js (loaded before
// this script) solves one challenge when the field gets focus and sends the allowance it buys.
// If that fails (no pow.js, no crypto.subtle, the server refuses), suggestions stop and the form
// works as it does without JavaScript.
const field = document.querySelector('[data-address-search] input[type="search"]');
const list = document.getElementById('address-suggestions');
const pow = window.prostorPow;
if (field && list && pow) {
  let timer = 0;
  let controller = null;
  let failed = false;
  const show = (items) => {
    list.replaceChildren(
      ...items.map((item) => {
        const li = document.createElement('li');
        const a = document.createElement('a');
        a.href = `/schools/find?${new URLSearchParams({ q: field.value, house: item.id })}`;
        a.textContent = item.label;
        li.append(a);
        return li;
      }),
    );
  };
  const giveUp = () => {
    failed = true;
    show([]);
  };
  field.addEventListener('focus', () => pow.prepare().catch(giveUp), { once: true });
  field.addEventListener('input', () => {
    clearTimeout(timer);
    if (failed) return;
    timer = setTimeout(async () => {
      const q = field.value.trim();
      if (q.length < 3) return show([]);
      controller?.abort();
      controller = new AbortController();
      try {
        const response = await pow.fetch(`/api/v1/addresses?${new URLSearchParams({ q, limit: '8' })}`, { signal: controller.signal, headers: { accept: 'application/json' } });
        if (response.ok) show((await response.json()).items);
        else if (response.status === 403) giveUp();
      } catch (error) {
        // A newer request replaced this one: typing goes on. Anything else: the form still works.
        if (error?.name !== 'AbortError') giveUp();
      }
    }, 250);
  });
}
