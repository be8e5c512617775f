// The pages' only script (inline, allowed by hash in the CSP). Search works without it; with it: changing the
// mode, sort or a filter re-runs the search at once, "/" focuses the box, and the reader's own state lives in
// localStorage (no account): saved and dismissed papers, papers opened, recent searches and the last visit. The
// "For you" page posts that state to /feed and shows the recommendation cards the server renders.
// (A plain string, not a template with substitutions: no backticks or dollar-braces below.)
export const clientJs = `
(() => {
  document.documentElement.classList.add('js'); // shows the controls that need this script
  const KEY = 'papersift.';
  const load = (k, d) => { try { const v = JSON.parse(localStorage.getItem(KEY + k)); return v == null ? d : v; } catch { return d; } };
  const store = (k, v) => { try { localStorage.setItem(KEY + k, JSON.stringify(v)); } catch {} };
  const SEEN_MAX = 300, QUERIES_MAX = 10;
  const ids = (list) => list.map((p) => p.id);

  // the last visit: "previous" is the day before today's visits began, which "new since" compares with
  const today = new Date().toISOString().slice(0, 10);
  const visits = load('visits', {});
  if (visits.last !== today) { if (visits.last) visits.previous = visits.last; visits.last = today; store('visits', visits); }

  const form = document.querySelector('form.search');
  const q = form && form.querySelector('input[name=q]');
  if (form) {
    const go = () => { document.body.classList.add('busy'); form.requestSubmit(); };
    form.querySelectorAll('.modes input, .controls select, .controls input[type=month]').forEach((el) => el.addEventListener('change', go));
    form.addEventListener('submit', () => {
      // drop empty filters and defaults so URLs stay short and shareable
      for (const el of form.querySelectorAll('select, input[type=month]')) el.disabled = !el.value;
      for (const el of form.querySelectorAll('input[value=hybrid], input[value=relevance]')) el.disabled = el.checked;
      document.body.classList.add('busy');
    });
    // coming back through the history cache: undo the submit-time changes
    window.addEventListener('pageshow', () => {
      document.body.classList.remove('busy');
      for (const el of form.querySelectorAll('select, input')) el.disabled = false;
    });
    document.addEventListener('keydown', (e) => {
      const t = e.target;
      const typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
      if (e.key === '/' && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) { e.preventDefault(); q.focus(); q.select(); }
    });
  }

  if (matchMedia('(max-width: 520px)').matches) for (const d of document.querySelectorAll('details.fold:not([data-active])')) d.open = false;

  // saved / dismissed papers: { id, title } newest last
  const titleOf = (el) => { const h = el.closest('article').querySelector('h1, h2, h3'); const a = h.querySelector('a'); return (a || h.firstChild || h).textContent.trim(); };
  const has = (k, id) => load(k, []).some((p) => p.id === id);
  const toggle = (k, id, title) => {
    const list = load(k, []);
    const next = list.some((p) => p.id === id) ? list.filter((p) => p.id !== id) : list.concat([{ id: id, title: title }]);
    store(k, next);
    return next.length > list.length;
  };
  const paint = (root) => {
    for (const box of root.querySelectorAll('.acts')) {
      const id = box.dataset.id, saved = has('saved', id), dismissed = has('dismissed', id);
      const s = box.querySelector('.save'), d = box.querySelector('.dismiss');
      s.setAttribute('aria-pressed', String(saved)); s.textContent = saved ? '★ 已收藏 saved' : '☆ 收藏 save';
      d.setAttribute('aria-pressed', String(dismissed)); d.textContent = dismissed ? '↺ 撤销 undo dismiss' : '✕ 不感兴趣 dismiss';
      box.closest('article').classList.toggle('dismissed', dismissed);
    }
    const n = load('saved', []).length, count = document.getElementById('saved-count');
    if (count) count.textContent = n ? ' (' + n + ')' : '';
  };
  const copy = (text) => navigator.clipboard && window.isSecureContext
    ? navigator.clipboard.writeText(text)
    : new Promise((ok, fail) => {
        const ta = document.createElement('textarea');
        ta.value = text; ta.setAttribute('readonly', ''); ta.className = 'offscreen';
        document.body.appendChild(ta); ta.select();
        const done = document.execCommand('copy'); ta.remove();
        done ? ok() : fail(new Error('copy refused'));
      });
  document.addEventListener('click', (e) => {
    const b = e.target.closest && e.target.closest('.acts button');
    if (!b) return;
    const box = b.closest('.acts'), id = box.dataset.id, status = box.querySelector('.act-status');
    if (b.classList.contains('bib')) {
      copy(b.dataset.bibtex).then(() => { status.textContent = '已复制 copied'; }, () => { status.textContent = '复制失败 copy failed: select the BibTeX on the paper page'; });
      return;
    }
    const k = b.classList.contains('save') ? 'saved' : 'dismissed', other = k === 'saved' ? 'dismissed' : 'saved';
    if (toggle(k, id, titleOf(b)) && has(other, id)) toggle(other, id, '');
    status.textContent = '';
    paint(document);
    if (document.getElementById('saved-list')) listSaved();
  });
  paint(document);

  // what the reader has opened and searched for: the feed leaves read papers out and offers "new since" per search
  const paper = document.querySelector('article.paper');
  if (paper) store('seen', load('seen', []).filter((id) => id !== paper.dataset.id).concat([paper.dataset.id]).slice(-SEEN_MAX));
  const params = new URLSearchParams(location.search);
  if (location.pathname === '/' && params.get('q')) {
    const query = params.get('q');
    store('queries', [query].concat(load('queries', []).filter((x) => x !== query)).slice(0, QUERIES_MAX));
  }
  const hint = document.getElementById('since-hint');
  if (hint && visits.previous) {
    const a = document.createElement('a'); a.href = '/feed'; a.textContent = '为你推荐 For you';
    hint.append('上次访问 last visit: ' + visits.previous + ' — what is new since then, per recent search: ', a);
    hint.hidden = false;
  }
  const offer = document.getElementById('since-offer');
  if (offer && visits.previous) {
    const u = new URLSearchParams(location.search); u.set('since', visits.previous); u.set('sort', 'date'); u.delete('offset');
    const a = document.createElement('a'); a.href = '/?' + u.toString(); a.id = 'since-link';
    a.textContent = '只看上次访问 (' + visits.previous + ') 后的新论文 only papers new since your last visit';
    offer.appendChild(a); offer.hidden = false;
  }

  // "For you"
  const feed = document.getElementById('feed');
  const listSaved = () => {
    const ul = document.getElementById('saved-list');
    ul.replaceChildren();
    for (const p of load('saved', []).slice().reverse()) {
      const li = document.createElement('li'), a = document.createElement('a');
      a.href = '/paper/' + encodeURIComponent(p.id); a.textContent = p.title || p.id;
      li.appendChild(a); ul.appendChild(li);
    }
    if (!ul.children.length) { const li = document.createElement('li'); li.textContent = '还没有 none yet: save papers with ☆ 收藏.'; ul.appendChild(li); }
  };
  const listSince = () => {
    const ul = document.getElementById('since-list');
    const queries = load('queries', []).slice(0, 5);
    if (!visits.previous || !queries.length) {
      const li = document.createElement('li');
      li.textContent = visits.previous ? 'No searches yet: what you search for is listed here with its new papers.' : 'This is your first visit on this browser: come back later to see what is new.';
      ul.appendChild(li); return;
    }
    for (const query of queries) {
      const u = new URLSearchParams({ q: query, since: visits.previous, sort: 'date' });
      const li = document.createElement('li'), a = document.createElement('a'), n = document.createElement('span');
      a.href = '/?' + u.toString(); a.textContent = query; n.className = 'n';
      li.append(a, ' ', n); ul.appendChild(li);
      u.set('limit', '1');
      fetch('/api/search?' + u.toString()).then((r) => r.ok ? r.json() : null).then((res) => { if (res) n.textContent = res.total + ' new since ' + visits.previous; });
    }
  };
  if (feed) {
    listSaved(); listSince();
    const saved = ids(load('saved', [])), dismissed = ids(load('dismissed', []));
    const exclude = Array.from(new Set(saved.concat(dismissed, load('seen', [])))).slice(-100);
    if (!saved.length) {
      feed.innerHTML = '<div class="notice">收藏几篇论文 (☆) 就能看到推荐 — save a few papers (☆) on the search pages and your recommendations appear here.</div>';
    } else {
      feed.setAttribute('aria-busy', 'true');
      const body = { positive: saved.slice(-10), negative: dismissed.slice(-10), exclude: exclude, diversity: 0.3, limit: 20 };
      fetch('/feed', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
        .then((r) => r.text())
        .then((h) => { feed.innerHTML = h; paint(feed); })
        .catch((err) => { feed.textContent = 'Could not load recommendations: ' + err.message; })
        .finally(() => feed.removeAttribute('aria-busy'));
    }
  }
})();
`;
