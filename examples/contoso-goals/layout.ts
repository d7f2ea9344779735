import { html, raw, type Html } from './html.js';
import { initials } from './activity.js';

/** Who the page is rendered for: the effective user (the subject while acting, W7). */
export interface Viewer {
  id: string;
  name: string;
  email: string;
  acting: boolean;
  /** Holds the impersonation permission (Admin › Users). */
  canImpersonate: boolean;
  /** Holds `audit:read` (Admin › Audit). */
  canAudit: boolean;
  /** Holds `impersonate:approve` (Admin › Approvals: four-eyes). */
  canApprove: boolean;
  csrfToken: string;
}

export type NavKey = 'okrs' | 'teams' | 'activity' | 'users' | 'audit' | 'approvals' | 'access';

export interface Shell {
  title: string;
  viewer?: Viewer;
  active?: NavKey;
  body: Html;
  /** Same-origin script paths (the CSP allows no inline script). */
  scripts?: string[];
}

const LOGO = raw(
  '<svg width="26" height="26" viewBox="0 0 32 32" aria-hidden="true"><circle cx="16" cy="16" r="14" fill="none" stroke="currentColor" stroke-width="3"/>' +
    '<circle cx="16" cy="16" r="8" fill="none" stroke="currentColor" stroke-width="3"/><circle cx="16" cy="16" r="3" fill="currentColor"/></svg>',
);

function nav(v: Viewer, active: NavKey | undefined) {
  const link = (key: NavKey, href: string, label: string) =>
    html`<a href="${href}"${key === active ? raw(' aria-current="page"') : ''}>${label}</a>`;
  return html`<nav aria-label="Main">
    ${link('okrs', '/', 'My OKRs')}${link('teams', '/teams', 'Teams')}${link('activity', '/activity', 'Activity')}
    ${v.canImpersonate ? link('users', '/admin/users', 'Admin › Users') : ''}${v.canAudit ? link('audit', '/admin/audit', 'Admin › Audit') : ''}${v.canApprove ? link('approvals', '/admin/approvals', 'Admin › Approvals') : ''}
  </nav>`;
}

function account(v: Viewer) {
  return html`<div class="account">
    <span class="avatar" aria-hidden="true">${initials(v.name)}</span>
    <span class="account-name" data-testid="signed-in-as">${v.name}</span>
    ${v.acting ? '' : html`<a class="link-button" href="/account/access" data-testid="my-access">My access</a>`}
    <form method="post" action="/logout"><input type="hidden" name="_csrf" value="${v.csrfToken}"><button class="link-button" type="submit">Sign out</button></form>
  </div>`;
}

/** The HTML shell every demo page shares. Every value is escaped by {@link html}. */
export function page(s: Shell): string {
  const v = s.viewer;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${s.title} · Contoso Goals</title>
<link rel="stylesheet" href="/assets/demo.css">
${(s.scripts ?? []).map((src) => html`<script src="${src}" defer></script>`)}
</head>
<body>
<header class="topbar">
  <a class="brand" href="/">${LOGO}<span>Contoso Goals</span><span class="pill">demo</span></a>
  ${v ? nav(v, s.active) : ''}
  ${v ? account(v) : ''}
</header>
<main id="main">${s.body}</main>
</body>
</html>`.value;
}

/** The stylesheet, served at /assets/demo.css: calm, light, one accent colour. */
export const CSS = `
:root{--bg:#f6f7f9;--card:#fff;--text:#1f2430;--muted:#6b7280;--line:#e5e7eb;--accent:#4353d8;--accent-soft:#eef0fd;--ok:#16794c;--ok-soft:#e7f6ee;--warn:#8a5a00;--warn-soft:#fff4d6;--bad:#b42318;--bad-soft:#fdecea;--radius:12px}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--text);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
/* A link inside running text is underlined: colour alone does not tell it apart (WCAG 1.4.1). */
p a,dd a,td p a{text-decoration:underline;text-underline-offset:.15em}
h1{font-size:1.6rem;margin:0 0 .25rem;letter-spacing:-.01em}h2{font-size:1.1rem;margin:0 0 .75rem}h3{font-size:1rem;margin:0}
p{margin:.35rem 0}code{font:12.5px ui-monospace,SFMono-Regular,Menlo,monospace;background:#f1f2f5;padding:1px 5px;border-radius:5px}
q{quotes:"“" "”";color:#374151}
.topbar{display:flex;align-items:center;gap:28px;background:var(--card);border-bottom:1px solid var(--line);padding:0 28px;height:60px;position:sticky;top:0;z-index:5}
.brand{display:flex;align-items:center;gap:10px;color:var(--text);font-weight:650;font-size:1.05rem}.brand svg{color:var(--accent)}.brand:hover{text-decoration:none}
.pill{font-size:.7rem;font-weight:600;text-transform:uppercase;letter-spacing:.06em;background:var(--accent-soft);color:var(--accent);border-radius:99px;padding:2px 8px}
nav{display:flex;gap:4px;flex:1}nav a{color:var(--muted);padding:18px 10px;border-bottom:2px solid transparent;font-weight:500}
nav a:hover{color:var(--text);text-decoration:none}nav a[aria-current=page]{color:var(--text);border-bottom-color:var(--accent)}
.account{display:flex;align-items:center;gap:10px;margin-left:auto}.account form{margin:0}.account-name{font-weight:550}
.avatar{display:inline-grid;place-items:center;width:32px;height:32px;border-radius:50%;background:var(--accent-soft);color:var(--accent);font-size:.75rem;font-weight:700;flex:none}
.link-button{background:none;border:0;color:var(--muted);font:inherit;cursor:pointer;padding:4px}.link-button:hover{color:var(--text);text-decoration:underline}
main{max-width:1080px;margin:0 auto;padding:32px 28px 80px}
.page-head{display:flex;align-items:flex-end;justify-content:space-between;gap:16px;margin-bottom:22px}
.muted{color:var(--muted)}.small{font-size:.85rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:var(--radius);padding:20px 22px;margin-bottom:16px;box-shadow:0 1px 2px rgba(16,24,40,.04)}
.card.narrow{max-width:560px;margin-left:auto;margin-right:auto}
.grid{display:grid;grid-template-columns:minmax(0,2fr) minmax(0,1fr);gap:18px}@media(max-width:860px){.grid{grid-template-columns:1fr}}
.okr{display:grid;grid-template-columns:minmax(0,1fr) 200px;gap:8px 20px;align-items:center;padding:12px 0;border-top:1px solid var(--line)}
.okr:first-of-type{border-top:0}.okr .title{font-weight:600}.okr.kr{padding-left:22px}.okr.kr .title{font-weight:500}
.okr-meta{display:flex;gap:8px;flex-wrap:wrap;align-items:center;font-size:.82rem;color:var(--muted)}
.progress{display:flex;align-items:center;gap:10px;font-size:.85rem;font-variant-numeric:tabular-nums}
.bar{flex:1;height:8px;border-radius:99px;background:#eceef3;overflow:hidden}.bar span{display:block;height:100%;background:var(--accent);border-radius:99px}
.bar.done span{background:var(--ok)}.bar.closed span{background:#9aa1ad}
.badge{display:inline-block;font-size:.75rem;font-weight:600;border-radius:99px;padding:2px 9px;background:#f0f1f4;color:#4b5563;white-space:nowrap}
.badge.ok{background:var(--ok-soft);color:var(--ok)}.badge.warn{background:var(--warn-soft);color:var(--warn)}.badge.bad{background:var(--bad-soft);color:var(--bad)}.badge.accent{background:var(--accent-soft);color:var(--accent)}
.on-behalf{display:inline-block;background:#fff4cc;color:#6b4e00;border-radius:6px;padding:1px 8px;font-size:.8rem;font-weight:600}
.btn{white-space:nowrap;display:inline-flex;align-items:center;gap:6px;border:1px solid var(--accent);background:var(--accent);color:#fff;border-radius:8px;padding:8px 16px;font:inherit;font-weight:600;cursor:pointer}
.btn:hover{text-decoration:none;filter:brightness(1.06)}.btn[disabled]{opacity:.45;cursor:not-allowed}
.btn-secondary{background:#fff;color:var(--text);border-color:#d0d4dc}.btn-danger{background:#fff;color:var(--bad);border-color:#f1b8b2}
.btn-small{padding:5px 11px;font-size:.85rem}
form.stack{display:grid;gap:14px}label{display:grid;gap:5px;font-weight:550;font-size:.9rem}label .hint{font-weight:400;color:var(--muted);font-size:.82rem}
input[type=text],input[type=email],input[type=password],input[type=number],input[type=datetime-local],select,textarea{font:inherit;font-weight:400;border:1px solid #d0d4dc;border-radius:8px;padding:8px 10px;background:#fff;color:var(--text);width:100%}
input:focus,select:focus,textarea:focus{outline:2px solid var(--accent-soft);border-color:var(--accent)}
.check{display:flex;align-items:center;gap:8px;font-weight:500}.row{display:flex;gap:12px;align-items:flex-end;flex-wrap:wrap}.row>*{flex:1;min-width:140px}.row>.btn,.row>.actions{flex:none}
.filters{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:14px 16px;align-items:end}@media(max-width:760px){.filters{grid-template-columns:1fr}}
.field-hint{display:block;font-size:.8rem;color:var(--muted);margin-top:4px;font-weight:400}
.actions{display:flex;gap:8px;flex-wrap:wrap;align-items:center}
.notice{border-radius:10px;padding:12px 14px;margin-bottom:16px}.notice.warn{background:var(--warn-soft);color:#5c3d00}.notice.bad{background:var(--bad-soft);color:var(--bad)}.notice.info{background:var(--accent-soft);color:#2c3aa8}
table{width:100%;border-collapse:collapse;font-size:.92rem}th{text-align:left;font-size:.74rem;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);font-weight:600;padding:8px 10px;border-bottom:1px solid var(--line)}
td{padding:11px 10px;border-bottom:1px solid var(--line);vertical-align:top}tr:last-child td{border-bottom:0}
.who{display:flex;align-items:center;gap:10px;white-space:nowrap}.who small{display:block;color:var(--muted)}
details.menu{position:relative;display:inline-block}details.menu>summary{list-style:none;cursor:pointer}details.menu>summary::-webkit-details-marker{display:none}
.menu-list{text-align:left;position:absolute;right:0;top:calc(100% + 4px);background:#fff;border:1px solid var(--line);border-radius:10px;box-shadow:0 8px 24px rgba(16,24,40,.12);min-width:260px;padding:6px;z-index:4}
.menu-list a,.menu-list .disabled{display:block;padding:8px 10px;border-radius:7px;color:var(--text)}.menu-list a:hover{background:var(--accent-soft);text-decoration:none}
.menu-list .disabled{color:var(--muted);cursor:not-allowed}.menu-list .why{display:block;font-size:.8rem;color:var(--bad);margin-top:2px}
.feed{list-style:none;margin:0;padding:0}.feed-item{display:flex;gap:12px;padding:12px 0;border-top:1px solid var(--line)}.feed-item:first-child{border-top:0}
.why-list{list-style:none;padding:0;margin:0}.why-list>li{padding:9px 0;border-top:1px solid var(--line)}.why-list>li:first-child{border-top:0}
.why-list summary>span:first-child{white-space:nowrap}.why-list summary{cursor:pointer;display:flex;justify-content:space-between;gap:10px;align-items:center}.why-list ol{margin:6px 0 2px;padding-left:20px;font-size:.84rem;color:var(--muted)}
.why-list .yes{color:var(--ok)}.why-list .no{color:var(--bad)}
.tree{list-style:none;padding-left:0;margin:0}.tree .tree{padding-left:22px;border-left:2px solid var(--line);margin-left:8px}.tree li{padding:6px 0}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
.empty{color:var(--muted);padding:18px 0;text-align:center}
.accounts td{padding:7px 10px}.accounts td:first-child,.nowrap{white-space:nowrap}.accounts button{font-size:.82rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:6px 16px;margin:0;font-size:.92rem}dl.facts dt{color:var(--muted)}dl.facts dd{margin:0}
`;
