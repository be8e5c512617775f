// The page's stylesheet, inlined into every page: one request per page and nothing to cache-bust.
export const css = `
:root{--fg:#1d2330;--muted:#5d6678;--line:#e3e6ee;--bg:#f7f8fb;--card:#fff;--accent:#2f5bd3;--mark:#ffe58a;--tag:#eef2ff}
*{box-sizing:border-box}
body{margin:0;font:15px/1.55 system-ui,-apple-system,"Segoe UI","PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
header{background:var(--card);border-bottom:1px solid var(--line);padding:14px 0 10px}
.wrap{max-width:920px;margin:0 auto;padding:0 16px}
.brand{font-weight:700;font-size:18px;color:var(--fg);margin-right:12px}
.brand small{font-weight:400;color:var(--muted);font-size:13px;margin-left:6px}
form.search .row{display:flex;gap:8px;margin-top:8px}
form.search input[type=search]{flex:1;font-size:16px;padding:9px 12px;border:1px solid #c9cfdc;border-radius:8px}
form.search button{padding:9px 16px;font-size:15px;border:0;border-radius:8px;background:var(--accent);color:#fff;cursor:pointer}
.controls{display:flex;flex-wrap:wrap;gap:10px 16px;align-items:center;margin-top:8px;font-size:13px;color:var(--muted)}
.modes{display:inline-flex;border:1px solid #c9cfdc;border-radius:8px;overflow:hidden}
.modes label{padding:4px 10px;cursor:pointer;color:var(--fg)}
.modes input{position:absolute;opacity:0;pointer-events:none}
.modes label:has(input:checked){background:var(--accent);color:#fff}
.controls select,.controls input{font-size:13px;padding:3px 6px;border:1px solid #c9cfdc;border-radius:6px;background:#fff}
main{padding:14px 0 40px}
.meta{color:var(--muted);font-size:13px;margin:4px 0 12px}
.notice{background:#fff7e0;border:1px solid #f1d48a;border-radius:8px;padding:8px 12px;margin:8px 0}
.error{background:#fdecec;border-color:#f2b5b5}
.hit{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 14px;margin:10px 0}
.hit h2,.paper h1{font-size:17px;margin:0;line-height:1.35}
.paper h1{font-size:21px}
.title-en{display:block;color:var(--muted);font-size:14px;font-weight:400;margin-top:2px}
.paper .title-en{font-size:16px}
.authors{font-size:13px;color:var(--muted);margin-top:4px}
.tags{margin-top:6px;display:flex;flex-wrap:wrap;gap:4px}
.tag{background:var(--tag);color:#33449a;border-radius:4px;padding:0 6px;font-size:12px}
.tag.src{background:#eef7f0;color:#2d6a3e}
.snip{margin:8px 0 0;font-size:14px}
.snip p{margin:4px 0}
mark{background:var(--mark);padding:0 1px;border-radius:2px}
.why{font-size:12px;color:var(--muted);margin-top:8px;display:flex;flex-wrap:wrap;gap:4px 14px}
.why b{color:var(--fg);font-weight:600}
.links{margin-top:8px;font-size:13px;display:flex;flex-wrap:wrap;gap:12px}
.low{opacity:.75}
.pager{display:flex;justify-content:space-between;margin-top:14px}
.paper section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px;margin:12px 0}
.paper h3{margin:0 0 6px;font-size:15px}
.summary{white-space:pre-wrap}
footer{color:var(--muted);font-size:12px;text-align:center;padding:20px 0}
.spin{display:none;margin-left:6px}.busy .spin{display:inline}
table{border-collapse:collapse;width:100%;font-size:13px}td,th{border:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
pre{background:#f1f3f8;padding:8px;border-radius:6px;overflow:auto;font-size:12px}
code{font-size:13px}
`;
