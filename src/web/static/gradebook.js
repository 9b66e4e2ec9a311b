// The gradebook grid driven from the keyboard (progressive enhancement of a plain table whose
// column headers link to each lesson's form). Arrows/Home/End move; 1–5 set the mark; н у б о
// (or n u b o, a e i l) set absent, excused, ill, late; Delete or Backspace clears the cell.
// Each cell is saved as it is typed: POST JSON with the session's CSRF token; the cell shows
// saving / saved / failed, a live region says so, and failed cells can be sent again.
const table = document.getElementById('gradebook');
if (table) init(table);

function init(table) {
  const csrf = table.dataset.csrf || '';
  const allowOne = table.dataset.allowOne === 'true';
  const status = document.getElementById('gradebook-status');
  const retry = document.getElementById('gradebook-retry');
  const text = JSON.parse(table.dataset.text || '{}');
  const codes = { н: 'absent', n: 'absent', a: 'absent', у: 'excused', u: 'excused', e: 'excused', б: 'ill', b: 'ill', i: 'ill', о: 'late', o: 'late', l: 'late' };
  const letters = { absent: 'н', excused: 'у', ill: 'б', late: 'о' };
  const rows = [...table.tBodies[0].rows];
  const grid = rows.map((r) => [...r.querySelectorAll('td[data-lesson]')]);
  if (!grid.length || !grid[0].length) return;
  const queues = new WeakMap();
  const failed = new Set();
  table.setAttribute('role', 'grid');
  table.setAttribute('aria-describedby', 'gradebook-help');
  let current = grid[0][0];
  for (const row of grid) for (const cell of row) {
    cell.tabIndex = -1;
    cell.setAttribute('aria-readonly', cell.dataset.editable === 'true' ? 'false' : 'true');
    label(cell);
  }
  current.tabIndex = 0;

  function position(cell) {
    for (let r = 0; r < grid.length; r++) {
      const c = grid[r].indexOf(cell);
      if (c >= 0) return [r, c];
    }
    return [0, 0];
  }
  function focus(cell) {
    if (!cell) return;
    current.tabIndex = -1;
    current = cell;
    cell.tabIndex = 0;
    cell.focus();
  }
  function say(message, alert) {
    status.setAttribute('role', alert ? 'alert' : 'status');
    status.textContent = message;
  }
  function show(cell) {
    const code = cell.dataset.attendance;
    const mark = cell.dataset.mark;
    cell.querySelector('.cell-value').textContent = [code ? letters[code] : '', mark || ''].filter(Boolean).join(' ');
    label(cell);
  }
  function label(cell) {
    const value = cell.querySelector('.cell-value').textContent.trim() || text.empty;
    const state = cell.dataset.state ? `, ${text[cell.dataset.state]}` : '';
    cell.setAttribute('aria-label', `${cell.dataset.who}, ${cell.dataset.when}: ${value}${state}`);
  }
  function setState(cell, state) {
    cell.dataset.state = state;
    cell.classList.remove('is-saving', 'is-saved', 'is-failed');
    if (state) cell.classList.add(`is-${state}`);
    label(cell);
  }

  function save(cell, change) {
    Object.assign(cell.dataset, { mark: 'mark' in change ? change.mark ?? '' : cell.dataset.mark, attendance: 'attendance' in change ? change.attendance ?? '' : cell.dataset.attendance });
    show(cell);
    const body = { pupilId: cell.dataset.pupil, mark: cell.dataset.mark ? Number(cell.dataset.mark) : null, attendance: cell.dataset.attendance || null };
    setState(cell, 'saving');
    // one request at a time per cell, in the order typed
    const previous = queues.get(cell) || Promise.resolve();
    const next = previous.then(() => send(cell, body));
    queues.set(cell, next);
    return next;
  }
  async function send(cell, body) {
    try {
      const response = await fetch(`/api/v1/journal/lessons/${cell.dataset.lesson}/cells`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrf, accept: 'application/json' },
        credentials: 'same-origin',
        body: JSON.stringify(body),
      });
      if (!response.ok) {
        let detail = '';
        try {
          const problem = await response.json();
          detail = (problem.errors && problem.errors[0] && problem.errors[0].message) || problem.title || '';
        } catch {}
        throw new Error(detail || `HTTP ${response.status}`);
      }
      failed.delete(cell);
      setState(cell, 'saved');
      say(`${text.saved}: ${cell.dataset.who}, ${cell.dataset.when}`);
    } catch (error) {
      failed.add(cell);
      setState(cell, 'failed');
      say(`${text.failed}: ${cell.dataset.who}, ${cell.dataset.when}. ${error.message}`, true);
    }
    retry.hidden = failed.size === 0;
  }
  retry.addEventListener('click', () => {
    for (const cell of [...failed]) save(cell, {});
  });

  table.addEventListener('click', (event) => {
    const cell = event.target.closest('td[data-lesson]');
    if (cell) focus(cell);
  });
  table.addEventListener('keydown', (event) => {
    const cell = event.target.closest('td[data-lesson]');
    if (!cell || event.altKey || event.ctrlKey || event.metaKey) return;
    const [r, c] = position(cell);
    const key = event.key.toLowerCase();
    const moves = { arrowup: [r - 1, c], arrowdown: [r + 1, c], arrowleft: [r, c - 1], arrowright: [r, c + 1], home: [r, 0], end: [r, grid[r].length - 1] };
    if (moves[key]) {
      event.preventDefault();
      const [nr, nc] = moves[key];
      focus(grid[nr] && grid[nr][nc]);
      return;
    }
    let change = null;
    if (/^[1-5]$/.test(key) && (key !== '1' || allowOne)) change = { mark: key };
    else if (codes[key]) change = { attendance: codes[key] };
    else if (key === 'delete' || key === 'backspace') change = { mark: null, attendance: null };
    else if (key === 'enter' && failed.has(cell)) change = {};
    if (!change) return;
    event.preventDefault();
    if (cell.dataset.editable !== 'true') {
      say(text.readonly, true);
      return;
    }
    save(cell, change);
    if ('mark' in change || 'attendance' in change) focus(grid[r + 1] && grid[r + 1][c]);
  });
}
