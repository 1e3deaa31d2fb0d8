/* KB Copilot answer widget: <script src="https://kb.example.com/widget.js" data-key="PUBLIC_KEY" async>
   Optional: data-api, data-handoff-url, data-handoff-email, data-lang, data-title, data-color.
   No dependencies, no third-party requests; all text is rendered as text nodes. */
(() => {
  'use strict';
  const script = document.currentScript;
  if (!script || document.querySelector('[data-kbc-widget]')) return;
  const ds = script.dataset;
  const api = (ds.api || new URL(script.src, location.href).origin).replace(/\/+$/, '');
  const isHttp = (u) => { try { return /^https?:$/.test(new URL(u).protocol); } catch { return false; } };
  const isEmail = (e) => typeof e === 'string' && /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/.test(e);

  // The server puts the English strings here (copilot/translations/widget.json): the fallback
  // for every key and every language; another language's come from /widget/strings, once.
  const EN = {/*EN*/};
  const T = { en: EN }, D = {}, P = {};
  const pick = (l) => (l || '').toLowerCase().split(/[-_]/)[0];
  const load = (l) => T[l] ? Promise.resolve(true) : !/^[a-z]{2,3}$/.test(l) ? Promise.resolve(false)
    : P[l] || (P[l] = fetch(`${api}/widget/strings/${l}.json`, { credentials: 'omit',
      signal: AbortSignal.timeout ? AbortSignal.timeout(5000) : undefined })
      .then((r) => r.ok ? r.json() : {}).then((d) => {
        if (d.lang !== l || !d.strings) return false; // the server has no table for l
        T[l] = d.strings; D[l] = d.dir; return true;
      }).catch(() => false));
  let lang = 'en';
  const t = (k, n) => String(T[lang][k] || EN[k] || '').replace('{n}', n);

  const STYLE = `:host{all:initial}*{box-sizing:border-box}
.w{--a:#4f46e5;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2937}
button,input{font:inherit}
:focus-visible{outline:3px solid var(--a);outline-offset:2px}
.l{position:fixed;right:20px;bottom:20px;z-index:2147483000;display:flex;gap:8px;align-items:center;border:0;
border-radius:999px;padding:12px 18px;background:var(--a);color:#fff;font-weight:600;cursor:pointer;
box-shadow:0 6px 20px rgba(0,0,0,.2)}
.l svg{width:20px;height:20px}
.p{position:fixed;right:20px;bottom:84px;z-index:2147483000;width:380px;max-width:calc(100vw - 24px);
height:600px;max-height:calc(100vh - 110px);display:flex;flex-direction:column;background:#fff;
border-radius:16px;box-shadow:0 16px 48px rgba(0,0,0,.22);overflow:hidden}
.p[hidden]{display:none}
header{display:flex;align-items:center;justify-content:space-between;padding:14px 16px;background:var(--a);color:#fff}
h2{margin:0;font-size:16px}
.x{border:0;background:transparent;color:#fff;font-size:22px;line-height:1;cursor:pointer;padding:2px 8px;border-radius:8px}
.g{position:relative;flex:1;overflow-y:auto;padding:16px;display:flex;flex-direction:column;gap:12px;background:#f8fafc}
.m{max-width:92%;padding:10px 12px;border-radius:12px;background:#fff;border:1px solid #e5e7eb;word-wrap:break-word}
.m p,.m ol,.m ul{margin:0 0 6px}.m>:last-child{margin-bottom:0}.m ol,.m ul{padding-inline-start:20px}
.q{align-self:flex-end;background:var(--a);color:#fff;border:0}
.h{border-color:#fcd34d;background:#fffbeb}.e{border-color:#fca5a5;background:#fef2f2}
sup a,sup{color:var(--a);font-weight:600;text-decoration:none;font-size:11px}
.s{margin-top:8px;padding-top:8px;border-top:1px solid #e5e7eb;font-size:13px}
.s h3{margin:0 0 4px;font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:#6b7280}
.s ol{margin:0;padding-inline-start:20px}.s a{color:var(--a)}
.f{display:flex;align-items:center;gap:6px;margin-top:8px;font-size:13px;color:#4b5563}
.b{border:1px solid #d1d5db;background:#fff;color:#1f2937;border-radius:999px;padding:3px 12px;cursor:pointer;font-size:13px}
.k{flex-wrap:wrap}
.c{display:inline-block;margin-top:8px;padding:7px 14px;border-radius:8px;background:var(--a);color:#fff;
text-decoration:none;font-weight:600;font-size:14px;border:0;cursor:pointer}
.d{color:#6b7280;font-style:italic}
form{display:flex;gap:8px;padding:12px;border-top:1px solid #e5e7eb;background:#fff}
form input{flex:1;min-width:0;padding:9px 12px;border:1px solid #d1d5db;border-radius:10px}
form button{border:0;border-radius:10px;padding:9px 14px;background:var(--a);color:#fff;font-weight:600;cursor:pointer}
form button:disabled{opacity:.6;cursor:default}
.v{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
small{display:block;text-align:center;font-size:11px;color:#9ca3af;padding:0 0 8px;background:#fff}
@media (max-width:480px){.p{right:12px;bottom:76px}}
@media (prefers-reduced-motion:no-preference){.p{animation:i .16s ease-out}@keyframes i{from{opacity:0;transform:translateY(8px)}}}`;

  const el = (tag, props = {}, ...kids) => {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (k === 'text') n.textContent = v;
      else if (k.startsWith('on')) n.addEventListener(k.slice(2), v);
      else n.setAttribute(k, v);
    }
    n.append(...kids.filter(Boolean));
    return n;
  };

  const host = el('div', { 'data-kbc-widget': '' });
  const root = host.attachShadow({ mode: 'open' });
  // A constructed stylesheet also works on pages whose CSP forbids inline <style>.
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLE);
    root.adoptedStyleSheets = [sheet];
  } catch { root.append(el('style', { text: STYLE })); }

  const wrap = el('div', { class: 'w' });
  if (ds.color && window.CSS && CSS.supports('color', ds.color)) wrap.style.setProperty('--a', ds.color);
  const icon = '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true"><path d="M21 12a8 8 0 0 1-11.6 7.1L4 20l1.1-4.6A8 8 0 1 1 21 12z"/></svg>';
  const launcher = el('button', { class: 'l', type: 'button', 'aria-expanded': 'false', 'aria-controls': 'kbc-panel' });
  launcher.innerHTML = icon; // constant markup, no untrusted data
  const launchText = el('span');
  launcher.append(launchText);
  const heading = el('h2', { id: 'kbc-title' });
  const closeBtn = el('button', { class: 'x', type: 'button', text: '×' });
  const log = el('div', { class: 'g', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions' });
  const input = el('input', { id: 'kbc-q', type: 'text', autocomplete: 'off', maxlength: '2000' });
  const label = el('label', { class: 'v', for: 'kbc-q' });
  const send = el('button', { type: 'submit' });
  const foot = el('small');
  const form = el('form', {}, label, input, send);
  const panel = el('div', { class: 'p', id: 'kbc-panel', role: 'dialog', 'aria-modal': 'false',
    'aria-labelledby': 'kbc-title', hidden: '' }, el('header', {}, heading, closeBtn), log, form, foot);
  wrap.append(launcher, panel);
  root.append(wrap);

  const relabel = () => {
    wrap.dir = D[lang] || 'ltr';
    wrap.lang = lang;
    const title = ds.title || t('title');
    launchText.textContent = title;
    launcher.setAttribute('aria-label', t('open'));
    heading.textContent = title;
    closeBtn.setAttribute('aria-label', t('close'));
    label.textContent = t('label');
    input.placeholder = t('ph');
    send.textContent = t('ask');
    foot.textContent = t('foot');
  };

  const open = (yes) => {
    panel.hidden = !yes;
    launcher.setAttribute('aria-expanded', String(yes));
    if (yes) {
      if (!log.childElementCount) say('m', el('p', { text: t('hi') }));
      input.focus();
    } else launcher.focus();
  };
  launcher.addEventListener('click', () => open(panel.hidden));
  closeBtn.addEventListener('click', () => open(false));
  wrap.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !panel.hidden) { e.stopPropagation(); open(false); }
  });

  const say = (cls, ...kids) => {
    const m = el('div', { class: 'm ' + cls }, ...kids);
    log.append(m);
    // Show a long answer from its question down, not its last line.
    const top = (cls === 'q' ? m : m.previousElementSibling || m).offsetTop - 12;
    log.scrollTop = Math.min(top, log.scrollHeight);
    return m;
  };

  // Minimal, safe Markdown: **bold**, *em*, `code`, and [n] citations linking to sources.
  const inline = (text, byN) => {
    const out = [];
    const re = /\*\*([^*]+)\*\*|\*([^*\s][^*]*)\*|`([^`]+)`|\[(\d{1,2})\]|\[([^\]]+)\]\(([^)\s]+)\)/g;
    const known = new Set([...byN.values()].map((s) => s.url));
    let at = 0, m;
    while ((m = re.exec(text))) {
      out.push(text.slice(at, m.index));
      at = re.lastIndex;
      if (m[1]) out.push(el('strong', { text: m[1] }));
      else if (m[2]) out.push(el('em', { text: m[2] }));
      else if (m[3]) out.push(el('code', { text: m[3] }));
      else if (m[5]) out.push(known.has(m[6]) ? el('a', { href: m[6], target: '_blank', rel: 'noopener noreferrer', text: m[5] }) : m[5]);
      else {
        const src = byN.get(Number(m[4]));
        if (!src) continue;
        const a = src.url ? el('a', { href: src.url, target: '_blank', rel: 'noopener noreferrer',
          'aria-label': `${t('sources')} ${m[4]}: ${src.title}` , text: `[${m[4]}]` }) : m[0];
        out.push(el('sup', {}, a));
      }
    }
    out.push(text.slice(at));
    return out;
  };

  const contact = (h = {}) => {
    const url = [h.url, ds.handoffUrl].find((u) => u && isHttp(u));
    const mail = [h.email, ds.handoffEmail].find(isEmail);
    if (url) return el('a', { class: 'c', href: url, target: '_blank', rel: 'noopener noreferrer', text: t('contact') });
    if (mail) return el('a', { class: 'c', href: 'mailto:' + mail, text: t('email') });
    return null;
  };

  const feedback = (answerId, handoff) => {
    const box = el('div', { class: 'f', role: 'group', 'aria-label': t('helped') }, el('span', { text: t('helped') }));
    const vote = (helpful) => {
      post('/v1/feedback', { answer_id: answerId, helpful }).catch(() => {});
      const done = el('div', { class: 'f', text: helpful ? t('thanks') : t('sorry') });
      box.replaceWith(done);
      if (!helpful) done.after(contact(handoff) || el('div', { class: 'f', text: t('rephrase') }));
      input.focus();
    };
    box.append(el('button', { class: 'b', type: 'button', text: t('yes'), onclick: () => vote(true) }),
      el('button', { class: 'b', type: 'button', text: t('no'), onclick: () => vote(false) }));
    return box;
  };

  // A clarifying question: one button per candidate article; choosing one asks again with the
  // article's title (the original question goes along as history, so it is not asked twice).
  const clarify = (c) => {
    const topics = (c.topics || []).filter((x) => x && typeof x.title === 'string' && x.title.trim());
    const box = el('div', { class: 'f k', role: 'group', 'aria-label': String(c.message || '') });
    for (const topic of topics.slice(0, 5)) {
      const title = topic.title.trim();
      box.append(el('button', { class: 'b', type: 'button', text: title, onclick: () => {
        if (busy) return;
        box.querySelectorAll('button').forEach((b) => { b.disabled = true; });
        history.push({ role: 'agent', text: String(c.message || '') });
        say('q', el('p', { text: title }));
        ask(title);
      } }));
    }
    say('a', el('p', { text: String(c.message || '') }), box);
  };

  const render = async (r) => {
    if (r.lang !== lang && await load(r.lang)) { lang = r.lang; relabel(); }
    if (r.outcome === 'clarify' && r.clarify) { clarify(r.clarify); return; }
    if (r.outcome !== 'answered' || !r.answer) {
      const h = r.handoff || {};
      const hint = /relevant|confidence/.test(h.reason) ? el('p', { class: 'd', text: t('rephrase') }) : null;
      // the closest articles of a low-confidence hand-off, each in another language named so
      const near = (Array.isArray(h.articles) ? h.articles : []).filter((a) => a && isHttp(a.url))
        .map((a) => el('li', {}, el('a', { href: a.url, target: '_blank', rel: 'noopener noreferrer', text: String(a.title || '') }),
          a.note ? ' ' + String(a.note) : null));
      const more = near.length ? el('div', { class: 's' }, el('h3', { text: t('meanwhile') }), el('ul', {}, ...near)) : null;
      say('h', el('p', { text: h.message || t('error') }), more, contact(h) || hint);
      return;
    }
    const sources = (r.sources || []).filter((s) => s && Number.isInteger(s.n))
      .map((s) => ({ n: s.n, title: String(s.title || ''), url: isHttp(s.url) ? s.url : null, note: s.note ? String(s.note) : '' }));
    const byN = new Map(sources.map((s) => [s.n, s]));
    const item = /^\s*(?:(\d+)[.)]|[-*•])\s+/;
    const paras = r.answer.split(/\n{2,}/).map((p) => {
      const lines = p.split('\n').filter((l) => l.trim());
      if (lines.length > 1 && lines.every((l) => item.test(l))) {
        return el(item.exec(lines[0])[1] ? 'ol' : 'ul', {}, ...lines.map((l) => el('li', {}, ...inline(l.replace(item, ''), byN))));
      }
      return el('p', {}, ...lines.flatMap((l, i) => [i ? el('br') : null, ...inline(l, byN)]));
    });
    const list = el('ol');
    for (const s of sources) {
      const li = el('li', { value: String(s.n) });
      li.append(s.url ? el('a', { href: s.url, target: '_blank', rel: 'noopener noreferrer', text: s.title }) : s.title);
      if (s.note) li.append(' ' + s.note);
      list.append(li);
    }
    const srcBox = sources.length ? el('div', { class: 's' }, el('h3', { text: t('sources') }), list) : null;
    say('a', ...paras, srcBox, feedback(r.answer_id, r.handoff));
  };

  const post = async (path, body) => {
    if (!ds.key) throw Object.assign(new Error('missing data-key'), { status: 403 });
    let res;
    try {
      res = await fetch(api + path, { method: 'POST', mode: 'cors', credentials: 'omit',
        headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + ds.key },
        body: JSON.stringify(body) });
    } catch (err) {
      // A refused CORS preflight looks like a network error; if the server answers a
      // no-cors probe, it is up and this page's origin is simply not allowed.
      const up = await fetch(api + '/widget.js', { mode: 'no-cors', cache: 'no-store' }).then(() => true, () => false);
      throw Object.assign(new Error(String(err)), { status: up ? 403 : 0 });
    }
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw Object.assign(new Error((data.error || {}).message || res.statusText),
      { status: res.status, retry: Number(res.headers.get('Retry-After')) || 0 });
    return data;
  };

  const history = [];
  let busy = false;
  const ask = async (question) => {
    if (busy) return;
    busy = true;
    send.disabled = true;
    const pending = say('d', el('p', { text: t('wait') }));
    log.setAttribute('aria-busy', 'true');
    try {
      const r = await post('/v1/answers', { question, history: history.slice(-10), locale: ds.lang || navigator.language || null });
      pending.remove();
      history.push({ role: 'customer', text: question });
      await render(r);
    } catch (err) {
      pending.remove();
      const s = err.status;
      const msg = s === 429 ? t('rate', err.retry || 30) : s === 401 || s === 403 ? t('refused')
        : s === 413 || s === 422 ? t('long') : s === 0 ? t('net') : t('error');
      if (s === 401 || s === 403) console.warn('[kbc widget] refused:', err.message, '— is', location.origin, 'an allowed origin of this key?');
      const again = s === 0 || s >= 500 || s === 429
        ? el('button', { class: 'b', type: 'button', text: t('retry'), onclick: (e) => { e.target.closest('.m').remove(); ask(question); } })
        : null;
      say('e', el('p', { text: msg }), again);
    } finally {
      busy = false;
      send.disabled = false;
      log.removeAttribute('aria-busy');
    }
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = input.value.trim();
    if (!q || busy) return;
    input.value = '';
    say('q', el('p', { text: q }));
    ask(q);
  });

  // Shown once its language is settled: the first of data-lang and the browser's the server has.
  const mount = () => document.body.append(host);
  (async () => {
    for (const l of [ds.lang, navigator.language].map(pick)) if (await load(l)) { lang = l; break; }
    relabel();
    if (document.body) mount(); else document.addEventListener('DOMContentLoaded', mount);
  })();
})();
