// Find your school by address: as the visitor types, the houses found appear under the field
// (links to the same page the form leads to). Without JavaScript the form does the same in one
// more step. Results are announced politely to screen readers.
const field = document.querySelector('[data-address-search] input[type="search"]');
const list = document.getElementById('address-suggestions');
if (field && list) {
  let timer = 0;
  let controller = null;
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
  field.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const q = field.value.trim();
      if (q.length < 3) return show([]);
      controller?.abort();
      controller = new AbortController();
      try {
        const response = await fetch(`/api/v1/addresses?${new URLSearchParams({ q, limit: '8' })}`, { signal: controller.signal, headers: { accept: 'application/json' } });
        if (response.ok) show((await response.json()).items);
      } catch {
        // typing on: a newer request replaced this one, or the network failed; the form still works
      }
    }, 250);
  });
}
