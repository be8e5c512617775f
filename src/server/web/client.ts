// The page's only script: changing the mode or a filter re-runs the search at once, "/" focuses the box,
// and a busy marker shows while the next page loads. Everything works without it too.
export const clientJs = `
(() => {
  const form = document.querySelector('form.search');
  if (!form) return;
  const q = form.querySelector('input[name=q]');
  const go = () => { if (q.value.trim()) { document.body.classList.add('busy'); form.requestSubmit(); } };
  form.querySelectorAll('.modes input, .controls select, .controls input[type=month]').forEach((el) => el.addEventListener('change', go));
  form.addEventListener('submit', () => {
    // drop empty filters so URLs stay short and shareable
    for (const el of form.querySelectorAll('select, input[type=month]')) el.disabled = !el.value;
    document.body.classList.add('busy');
  });
  // coming back through the history cache: undo the submit-time changes
  window.addEventListener('pageshow', () => {
    document.body.classList.remove('busy');
    for (const el of form.querySelectorAll('select, input[type=month]')) el.disabled = false;
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === '/' && document.activeElement !== q) { e.preventDefault(); q.focus(); q.select(); }
  });
})();
`;
