// The pages' stylesheet, inlined into every page: one request per page and nothing to cache-bust. Colours are
// variables with a dark set for prefers-color-scheme; text colours keep at least 4.5:1 on their backgrounds.
export const css = `
:root{color-scheme:light dark;--fg:#1d2330;--muted:#545d6e;--line:#e3e6ee;--edge:#aeb6c6;--bg:#f7f8fb;--card:#fff;--field:#fff;--accent:#2f5bd3;--on-accent:#fff;--mark:#ffe58a;--mark-fg:#1d2330;--tag:#eef2ff;--tag-fg:#33449a;--src:#eaf6ed;--src-fg:#24603a;--date:#f1f3f8;--note:#fff7e0;--note-line:#e5c36a;--err:#fdecec;--err-line:#e8a5a5;--pre:#f1f3f8;--focus:#f59e0b}
@media (prefers-color-scheme:dark){:root{--fg:#e4e8f1;--muted:#a9b1c2;--line:#2c3342;--edge:#4a5468;--bg:#12161f;--card:#1a1f2b;--field:#12161f;--accent:#8fb0ff;--on-accent:#0e1320;--mark:#6b5800;--mark-fg:#fff6cc;--tag:#243056;--tag-fg:#c9d5ff;--src:#1d3a28;--src-fg:#b5e4c3;--date:#262d3b;--note:#3a3016;--note-line:#7a6424;--err:#3d1e22;--err-line:#874048;--pre:#10141c}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:15px/1.55 system-ui,-apple-system,"Segoe UI","PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:var(--fg);background:var(--bg);overflow-wrap:anywhere}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
header{background:var(--card);border-bottom:1px solid var(--line);padding:12px 0 10px}
.wrap{max-width:920px;margin:0 auto;padding:0 16px}
.top{display:flex;justify-content:space-between;align-items:baseline;gap:8px;flex-wrap:wrap}
.brand{font-weight:700;font-size:18px;color:var(--fg);margin-right:12px}
.brand small{font-weight:400;color:var(--muted);font-size:13px;margin-left:6px}
form.search .row{display:flex;gap:8px;margin-top:8px}
form.search input[type=search]{flex:1;min-width:0;font-size:16px;padding:9px 12px;border:1px solid var(--edge);border-radius:8px;background:var(--field);color:var(--fg)}
form.search button{padding:9px 16px;font-size:15px;border:0;border-radius:8px;background:var(--accent);color:var(--on-accent);cursor:pointer;white-space:nowrap}
.controls{display:flex;flex-wrap:wrap;gap:8px 14px;align-items:center;margin-top:8px;font-size:13px;color:var(--muted)}
.modes{display:inline-flex;border:1px solid var(--edge);border-radius:8px;overflow:hidden}
.modes label{padding:4px 10px;cursor:pointer;color:var(--fg);position:relative}
.modes input{position:absolute;opacity:0;pointer-events:none}
.modes label:has(input:checked){background:var(--accent);color:var(--on-accent)}
.modes label:has(input:focus-visible){outline:3px solid var(--focus);outline-offset:-3px}
.controls select,.controls input{font-size:13px;padding:3px 6px;border:1px solid var(--edge);border-radius:6px;background:var(--field);color:var(--fg);max-width:100%}
.controls label{max-width:100%}
.fold>summary{cursor:pointer;color:var(--accent);font-size:13px}
@media (min-width:521px){.fold>summary{display:none}}
.filters .fold-body{display:flex;flex-wrap:wrap;gap:8px 14px;align-items:center}
.controls select{max-width:min(260px,100%)}
main{padding:10px 0 40px}
h1.page-title{font-size:20px;margin:6px 0 2px}
h1.page-title q{color:var(--accent)}
.meta{color:var(--muted);font-size:13px;margin:4px 0 10px}
.parsed{display:flex;flex-wrap:wrap;gap:2px 14px}
.notice{background:var(--note);border:1px solid var(--note-line);border-radius:8px;padding:8px 12px;margin:8px 0}
.error{background:var(--err);border-color:var(--err-line)}
.facets{margin:6px 0 10px;font-size:13px}
.facets .fold-body{display:flex;flex-direction:column;gap:6px}
.facet{display:flex;flex-wrap:wrap;gap:4px 6px;align-items:center}
.flabel{color:var(--muted);min-width:92px}
.chip{border:1px solid var(--edge);border-radius:999px;padding:0 8px;color:var(--fg);background:var(--card)}
.chip .n{color:var(--muted)}
.chip.on{background:var(--accent);border-color:var(--accent);color:var(--on-accent)}.chip.on .n{color:var(--on-accent)}
.hit{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 14px;margin:10px 0}
.hit h2,.hit h3,.paper h1{font-size:17px;margin:0;line-height:1.35}
.paper h1{font-size:21px}
.title-en{display:block;color:var(--muted);font-size:14px;font-weight:400;margin-top:2px}
.paper .title-en{font-size:16px}
.authors{font-size:13px;color:var(--muted);margin-top:4px}
.authors a{color:var(--muted);text-decoration:underline;text-decoration-color:var(--edge)}
.tags{margin-top:6px;display:flex;flex-wrap:wrap;gap:4px}
.tag{background:var(--tag);color:var(--tag-fg);border-radius:4px;padding:0 6px;font-size:12px}
.tag.src{background:var(--src);color:var(--src-fg)}
.tag.date{background:var(--date);color:var(--fg)}
.snip{margin:8px 0 0;font-size:14px}
.snip p{margin:4px 0}
mark{background:var(--mark);color:var(--mark-fg);padding:0 1px;border-radius:2px}
.why{font-size:12px;color:var(--muted);margin-top:8px;display:flex;flex-wrap:wrap;gap:4px 14px}
.why b{color:var(--fg);font-weight:600}
.links{margin-top:8px;font-size:13px;display:flex;flex-wrap:wrap;gap:4px 12px}
.hit.low{border-style:dashed}
.weak{display:inline-block;margin-top:6px;font-size:12px;color:var(--muted);border:1px dashed var(--edge);border-radius:4px;padding:0 6px}
.acts{display:none;flex-wrap:wrap;gap:6px;align-items:center;margin-top:8px}
.js .acts{display:flex}
.act{font-size:12px;padding:2px 8px;border:1px solid var(--edge);border-radius:6px;background:var(--card);color:var(--fg);cursor:pointer}
.act[aria-pressed=true]{background:var(--accent);border-color:var(--accent);color:var(--on-accent)}
.act-status{font-size:12px;color:var(--muted)}
.hit.dismissed :is(.snip,.why,.links,.tags,.weak){display:none}
.pager{display:flex;justify-content:space-between;align-items:center;gap:8px;margin-top:14px;font-size:14px}
#page-of{color:var(--muted);font-size:13px;text-align:center}
.back{margin:4px 0 8px;font-size:14px}
.paper section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px;margin:12px 0}
.paper h2,.side h2,#feed-results h2{margin:0 0 6px;font-size:16px}
.paper>h2{margin-top:18px}
.side{margin-top:24px}.side h2{margin-top:16px}
.summary{white-space:pre-wrap}
.count{color:var(--muted)}
footer{color:var(--muted);font-size:12px;text-align:center;padding:20px 0}
.spin{display:none;margin-left:6px}.busy .spin{display:inline}
.offscreen{position:fixed;left:-9999px;top:0}
table{border-collapse:collapse;width:100%;font-size:13px}td,th{border:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
pre{background:var(--pre);padding:8px;border-radius:6px;overflow:auto;font-size:12px;white-space:pre-wrap}
code{font-size:13px}
@media (max-width:520px){.wrap{padding:0 10px}.brand small{display:none}form.search button{padding:9px 12px}.flabel{min-width:0;width:100%}.hit{padding:10px}.pager{flex-wrap:wrap}}
`;
