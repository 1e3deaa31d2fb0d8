/* KB Copilot agent console: drafts, summaries and search through the public /v1 API.
   The agent key lives in sessionStorage only; all untrusted text goes in as text nodes. */
(() => {
  'use strict';
  const KEY = 'kbc.console.key';
  const $ = (id) => document.getElementById(id);
  const el = (tag, props = {}, ...kids) => {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'text') n.textContent = v;
      else if (k === 'class') n.className = v;
      else if (k.startsWith('on')) n.addEventListener(k.slice(2), v);
      else n.setAttribute(k, v);
    }
    n.append(...kids.filter((c) => c !== null && c !== undefined && c !== false));
    return n;
  };
  const isHttp = (u) => { try { return /^https?:$/.test(new URL(u).protocol); } catch { return false; } };
  const pct = (x) => `${Math.round((Number(x) || 0) * 100)}%`;

  const EXAMPLES = [
    {
      label: 'Locked out — reset email never arrived (4 messages)',
      subject: 'Reset email never arrived', customer: 'Maria', channel: 'email', locale: 'en-GB',
      messages: [
        ['customer', "Hi, I'm locked out of Orbitly. I clicked Forgot password twice but the reset email never arrived, and I have client calls booked this afternoon."],
        ['agent', "Sorry about that, Maria! Could you check your spam folder and confirm which address you sign in with?"],
        ['customer', 'Nothing in spam. It is the same work address I always use.'],
        ['customer', 'How do I reset my password, and how long is the link valid once it arrives? This is urgent.'],
      ],
    },
    {
      label: 'Google Calendar events not blocking availability',
      subject: 'Busy times still bookable', customer: 'Tom', channel: 'chat', locale: 'en-US',
      messages: [
        ['customer', 'I connected my Google Calendar yesterday, but invitees can still book slots when I already have meetings. How do I fix the calendar sync?'],
      ],
    },
    {
      label: 'Exportar reservas a CSV (español)',
      subject: 'Exportar reservas', customer: 'Pilar', channel: 'email', locale: 'es-ES',
      messages: [
        ['customer', 'Hola, necesito exportar todas las reservas del último trimestre a un archivo CSV para la gestoría. ¿Cómo lo hago?\n\nGracias,\nPilar'],
      ],
    },
  ];

  // --- API --------------------------------------------------------------------------------
  const api = async (method, path, body) => {
    const key = sessionStorage.getItem(KEY);
    const headers = { Authorization: 'Bearer ' + key };
    if (body) headers['Content-Type'] = 'application/json';
    let res;
    try {
      res = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined });
    } catch {
      throw new Error('Could not reach the server. Check your connection and try again.');
    }
    const data = await res.json().catch(() => ({}));
    if (res.ok) return data;
    const msg = (data.error && data.error.message) || res.statusText;
    if (res.status === 401) { signOut('Your key was not accepted: ' + msg); }
    if (res.status === 429) throw new Error(`Rate limited — try again in ${res.headers.get('Retry-After') || 'a few'} seconds.`);
    throw new Error(msg);
  };

  // A reply drafted as server-sent events: `token` events while the model writes (shown in
  // the draft box as they come), then one `reply` event with the checked draft, or `error`.
  const streamReply = async (body, onToken) => {
    const key = sessionStorage.getItem(KEY);
    let res;
    try {
      res = await fetch('/v1/replies', {
        method: 'POST',
        headers: { Authorization: 'Bearer ' + key, 'Content-Type': 'application/json' },
        body: JSON.stringify({ ...body, stream: true }),
      });
    } catch {
      throw new Error('Could not reach the server. Check your connection and try again.');
    }
    if (!res.ok || !res.body) return api('POST', '/v1/replies', body);  // errors as JSON
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = (block.match(/^event: (.*)$/m) || [])[1];
        const data = JSON.parse((block.match(/^data: (.*)$/m) || [])[1] || '{}');
        if (event === 'token') onToken(data.text);
        else if (event === 'reply') return data;
        else if (event === 'error') throw new Error(data.message || 'The draft failed.');
      }
    }
    throw new Error('The connection closed before the draft was finished.');
  };

  // --- sign-in ----------------------------------------------------------------------------
  const showApp = (yes) => {
    $('signin').hidden = yes;
    $('app').hidden = !yes;
    $('who').hidden = !yes;
  };
  const signOut = (why) => {
    sessionStorage.removeItem(KEY);
    showApp(false);
    $('signin-error').textContent = why || '';
    $('key').focus();
  };
  $('signin-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const key = $('key').value.trim();
    if (!key) return;
    sessionStorage.setItem(KEY, key);
    $('signin-error').textContent = '';
    try {
      await api('GET', '/v1/search?q=sign+in&k=1');
      $('key').value = '';
      showApp(true);
      if (!$('messages').childElementCount) addMessage('customer', '');
    } catch (err) {
      sessionStorage.removeItem(KEY);
      if (!$('signin-error').textContent) $('signin-error').textContent = err.message;
    }
  });
  $('signout').addEventListener('click', () => signOut(''));

  // --- thread editor ------------------------------------------------------------------------
  const addMessage = (author, body) => {
    const list = $('messages');
    const id = 'm' + Math.random().toString(36).slice(2, 8);
    const who = el('select', { 'aria-label': 'Author', class: 'author' },
      el('option', { value: 'customer', text: 'Customer' }), el('option', { value: 'agent', text: 'Agent' }));
    who.value = author;
    const text = el('textarea', { id, rows: '3', 'aria-label': 'Message text', placeholder: 'Message…' });
    text.value = body;
    const item = el('li', { class: 'msg ' + author }, el('div', { class: 'msg-head' }, who,
      el('button', { type: 'button', class: 'ghost small', 'aria-label': 'Remove message', text: 'Remove',
        onclick: () => { item.remove(); } })), text);
    who.addEventListener('change', () => { item.className = 'msg ' + who.value; });
    list.append(item);
    return text;
  };
  const setThread = (ex) => {
    $('messages').replaceChildren();
    $('subject').value = ex.subject || '';
    $('customer').value = ex.customer || '';
    $('channel').value = ex.channel || 'email';
    $('messages').dataset.locale = ex.locale || '';
    for (const [a, b] of ex.messages) addMessage(a, b);
  };
  const thread = () => {
    const messages = [...$('messages').querySelectorAll('li.msg')]
      .map((li) => ({ author: li.querySelector('select').value, body: li.querySelector('textarea').value.trim() }))
      .filter((m) => m.body);
    return {
      subject: $('subject').value.trim() || null,
      customer_name: $('customer').value.trim() || null,
      channel: $('channel').value,
      locale: $('messages').dataset.locale || navigator.language || null,
      messages,
    };
  };
  EXAMPLES.forEach((ex, i) => $('example').append(el('option', { value: String(i), text: ex.label })));
  $('example').addEventListener('change', (e) => {
    if (e.target.value !== '') setThread(EXAMPLES[Number(e.target.value)]);
  });
  $('add-customer').addEventListener('click', () => addMessage('customer', '').focus());
  $('add-agent').addEventListener('click', () => addMessage('agent', '').focus());
  $('paste-toggle').addEventListener('click', (e) => {
    const box = $('paste');
    box.hidden = !box.hidden;
    e.target.setAttribute('aria-expanded', String(!box.hidden));
    if (!box.hidden) $('paste-text').focus();
  });
  $('paste-apply').addEventListener('click', () => {
    const turns = [];
    for (const line of $('paste-text').value.split('\n')) {
      const m = /^\s*(customer|agent)\s*:\s*(.*)$/i.exec(line);
      if (m) turns.push([m[1].toLowerCase(), m[2]]);
      else if (turns.length) turns[turns.length - 1][1] += '\n' + line;
      else if (line.trim()) turns.push(['customer', line]);
    }
    if (!turns.length) return;
    setThread({ subject: $('subject').value, customer: $('customer').value, channel: $('channel').value,
      messages: turns.map(([a, b]) => [a, b.trim()]) });
    $('paste').hidden = true;
    $('paste-toggle').setAttribute('aria-expanded', 'false');
  });

  // --- results ------------------------------------------------------------------------------
  const status = (text, bad) => { $('status').textContent = text; $('status').classList.toggle('bad', !!bad); };
  const badge = (text, tone) => el('span', { class: 'badge ' + (tone || ''), text });
  let current = null; // the last ReplyOut

  const renderSummary = (s) => {
    $('summary-card').hidden = !s;
    if (!s) return;
    const tone = { negative: 'bad', positive: 'ok', high: 'bad', low: 'ok' };
    $('summary-badges').replaceChildren(badge('Sentiment: ' + s.sentiment, tone[s.sentiment]),
      badge('Urgency: ' + s.urgency, tone[s.urgency]));
    const rows = [['Problem', s.problem], ['Tried', s.tried], ['Current state', s.current_state], ['Next step', s.next_step]];
    $('summary').replaceChildren(...rows.flatMap(([k, v]) => [el('dt', { text: k }),
      el('dd', {}, Array.isArray(v) ? (v.length ? el('ul', {}, ...v.map((x) => el('li', { text: x }))) : '—') : (v || '—'))]));
  };

  // Minimal, safe Markdown for display: **bold**, *em*, `code`; [n] links to source n.
  const inline = (text) => {
    const out = [];
    const re = /\*\*([^*]+)\*\*|\*([^*\s][^*]*)\*|`([^`]+)`|\[(\d{1,2})\]|\[([^\]]+)\]\(([^)\s]+)\)/g;
    let at = 0, m;
    while ((m = re.exec(text))) {
      out.push(text.slice(at, m.index));
      at = re.lastIndex;
      if (m[1]) out.push(el('strong', { text: m[1] }));
      else if (m[2]) out.push(el('em', { text: m[2] }));
      else if (m[3]) out.push(el('code', { text: m[3] }));
      else if (m[4]) out.push(el('a', { class: 'cite', href: '#src-' + m[4], text: `[${m[4]}]` }));
      else out.push(isHttp(m[6]) ? el('a', { href: m[6], target: '_blank', rel: 'noopener noreferrer', text: m[5] }) : m[5]);
    }
    out.push(text.slice(at));
    return out;
  };
  const plain = (text) => String(text || '').replace(/\*\*|__/g, '');

  const sourceTitle = (s) => (s.kind === 'article' && isHttp(s.url)
    ? el('a', { href: s.url, target: '_blank', rel: 'noopener noreferrer', text: s.title })
    : el('span', { text: s.title }));

  const renderSources = (sources) => {
    $('sources-card').hidden = !sources.length;
    $('sources').replaceChildren(...sources.map((s) => el('li', { id: 'src-' + s.n, class: 'source' },
      el('div', { class: 'src-head' }, el('span', { class: 'num', text: String(s.n) }), sourceTitle(s),
        s.kind === 'ticket' ? badge('Resolved ticket · internal', 'muted') : (isHttp(s.url) ? badge('Article') : badge('Article · internal', 'muted')),
        s.lang ? badge(s.lang.toUpperCase(), 'muted') : null, el('span', { class: 'rel', text: 'relevance ' + pct(s.relevance) })),
      el('p', { class: 'snippet', text: plain(s.snippet) }))));
  };

  const renderSentences = (sentences, share) => {
    $('check-card').hidden = !sentences.length;
    const bad = sentences.filter((s) => !s.supported).length;
    $('share').textContent = `${sentences.length - bad} of ${sentences.length} supported (${pct(share)})`;
    $('sentences').replaceChildren(...sentences.map((s) => el('li', { class: 'sentence ' + (s.supported ? 'supported' : 'unsupported') },
      el('span', { class: 'mark', 'aria-hidden': 'true', text: s.supported ? '✓' : '!' }),
      el('div', {}, el('span', { class: 'vh', text: s.supported ? 'Supported: ' : 'Unsupported: ' }),
        el('span', { class: 'text' }, ...inline(s.text)),
        !s.supported ? el('span', { class: 'why', text: 'No source says this.' }) : null,
        s.supported && s.evidence ? el('details', {}, el('summary', { text: 'Evidence' }), el('q', { text: s.evidence })) : null))));
  };

  const renderDraft = (r) => {
    current = r;
    $('empty').hidden = true;
    $('draft-card').hidden = false;
    $('draft-text').value = r.text;
    $('send-status').textContent = '';
    const conf = r.confidence >= 0.7 ? 'ok' : r.confidence >= 0.45 ? '' : 'bad';
    $('draft-meta').replaceChildren(badge('Confidence ' + pct(r.confidence), conf), badge(r.lang.toUpperCase(), 'muted'),
      badge(r.generator_used, 'muted'), badge(Math.round(r.latency_ms) + ' ms', 'muted'));
    $('fallback').hidden = !r.fallback_reason;
    $('fallback').textContent = r.fallback_reason ? 'The language model was not used for this draft (' + r.fallback_reason + '); it was composed from the sources directly.' : '';
    renderSentences(r.sentences, r.supported_share);
    renderSources(r.sources);
    renderSummary(r.summary);
  };

  const busy = (on) => { for (const id of ['draft', 'summarize']) $(id).disabled = on; };
  const run = async (label, fn) => {
    const t = thread();
    if (!t.messages.length) { status('Add at least one message first.', true); return; }
    busy(true);
    status(label);
    try { await fn(t); status(''); } catch (err) { status(err.message, true); } finally { busy(false); }
  };
  $('draft').addEventListener('click', () => run('Drafting a reply…', async (t) => {
    let written = '';
    const reply = await streamReply(t, (text) => {
      if (!written) { $('empty').hidden = true; $('draft-card').hidden = false; }
      written += text;
      $('draft-text').value = written;
      status('Writing the draft…');
    });
    renderDraft(reply);
  }));
  $('summarize').addEventListener('click', () => run('Summarizing…', async (t) => {
    const s = await api('POST', '/v1/summaries', t);
    $('empty').hidden = true;
    renderSummary(s);
  }));

  $('copy').addEventListener('click', async () => {
    const text = $('draft-text').value;
    try { await navigator.clipboard.writeText(text); } catch {
      $('draft-text').select();
      document.execCommand('copy');
    }
    $('send-status').textContent = 'Copied to the clipboard.';
  });
  $('send').addEventListener('click', async () => {
    if (!current) return;
    $('send').disabled = true;
    try {
      const r = await api('POST', '/v1/feedback', { draft_id: current.draft_id, final_reply: $('draft-text').value });
      const d = r.edit_distance ?? 0;
      $('send-status').textContent = `Final reply saved. Edit distance ${d.toFixed(2)} — ${pct(d)} of the words changed.`;
    } catch (err) {
      $('send-status').textContent = 'Not saved: ' + err.message;
    } finally { $('send').disabled = false; }
  });

  // --- search -------------------------------------------------------------------------------
  $('search-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const q = $('q').value.trim();
    if (!q) return;
    const params = new URLSearchParams({ q, k: '6' });
    if ($('kind').value) params.set('kind', $('kind').value);
    $('search-status').textContent = 'Searching…';
    try {
      const r = await api('GET', '/v1/search?' + params);
      $('search-status').textContent = r.hits.length ? `${r.hits.length} results` : 'No results.';
      $('hits').replaceChildren(...r.hits.map((h) => el('li', { class: 'hit' },
        el('div', { class: 'src-head' }, sourceTitle(h),
          h.kind === 'ticket' ? badge('Resolved ticket · internal', 'muted')
            : badge(h.visibility === 'internal' ? 'Article · internal' : 'Article', h.visibility === 'internal' ? 'muted' : ''),
          h.lang ? badge(h.lang.toUpperCase(), 'muted') : null),
        h.heading_path && h.heading_path.length ? el('div', { class: 'path', text: h.heading_path.join(' › ') }) : null,
        el('p', { class: 'snippet', text: plain(h.snippet) }))));
    } catch (err) {
      $('search-status').textContent = err.message;
    }
  });

  if (sessionStorage.getItem(KEY)) { showApp(true); addMessage('customer', ''); } else showApp(false);
})();
