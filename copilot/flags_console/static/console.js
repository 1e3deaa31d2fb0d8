// Flags console: lists flags by impact, shows evidence beside the article, changes status.
// Everything from the API is inserted with textContent (article text is data, never markup).
"use strict";

const KEY = "kbc_owner_key";
const $ = (id) => document.getElementById(id);
let current = null;

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}

function say(text, isError) {
  $("message").textContent = text || "";
  $("message").className = isError ? "error" : "";
}

async function api(path, options) {
  const key = sessionStorage.getItem(KEY);
  const response = await fetch(path, {
    ...(options || {}),
    headers: { "Authorization": "Bearer " + key, "Content-Type": "application/json" },
  });
  const body = response.status === 204 ? null : await response.json();
  if (!response.ok) {
    const message = body && body.error ? body.error.message : response.statusText;
    const err = new Error(message);
    err.status = response.status;
    throw err;
  }
  return body;
}

async function loadList() {
  const params = new URLSearchParams();
  if ($("reason").value) params.set("reason", $("reason").value);
  if ($("status").value) params.set("status", $("status").value);
  params.set("limit", "200");
  try {
    const data = await api("/v1/flags?" + params.toString());
    renderList(data);
    $("app").hidden = false;
    $("signout").hidden = false;
    say("");
  } catch (err) {
    if (err.status === 401 || err.status === 403) {
      sessionStorage.removeItem(KEY);
      $("app").hidden = true;
      say("That key cannot open the flags console (owner or admin key needed).", true);
    } else {
      say(err.message, true);
    }
  }
}

function renderList(data) {
  const list = $("flags");
  list.replaceChildren();
  $("total").textContent = data.total + " flag(s)";
  for (const flag of data.flags) {
    const item = el("li", null, "flag sev-" + flag.severity);
    item.dataset.id = flag.id;
    item.dataset.status = flag.status;
    const button = el("button", null, "flag-open");
    button.type = "button";
    button.append(el("span", flag.reason.replaceAll("_", " "), "reason"));
    button.append(el("span", flag.document_id || "(new article)", "doc"));
    button.append(el("span", flag.status, "status status-" + flag.status));
    button.append(el("span", "impact " + flag.impact, "impact"));
    button.append(el("span", flag.evidence.summary || "", "summary"));
    button.addEventListener("click", () => openFlag(flag.id));
    item.append(button);
    list.append(item);
  }
  if (!data.flags.length) list.append(el("li", "No flags here. Nice.", "empty"));
}

function evidenceBlock(label, value) {
  const row = el("div", null, "ev-row");
  row.append(el("div", label, "ev-label"));
  row.append(el("div", value, "ev-value"));
  return row;
}

function renderEvidence(flag) {
  const box = $("evidence");
  box.replaceChildren();
  const ev = flag.evidence || {};
  box.append(el("p", ev.summary || "", "ev-summary"));
  if (ev.since) box.append(evidenceBlock("since", ev.since));
  for (const item of ev.items || []) {
    const pair = el("div", null, "ev-pair");
    pair.append(evidenceBlock("article says", item.article_sentence));
    pair.append(evidenceBlock("ticket " + item.ticket_id + " (" + (item.resolved_at || "?") + ")",
                              item.ticket_sentence));
    pair.append(evidenceBlock("values", item.article_value + " vs " + item.ticket_value));
    box.append(pair);
  }
  for (const p of ev.passages || []) {
    const pair = el("div", null, "ev-pair ev-side");
    pair.append(evidenceBlock("this article", p.this));
    pair.append(evidenceBlock((ev.duplicate_title || ev.duplicate_of || "other article") +
                              " · " + (ev.similarity_measure || "similarity") + " " +
                              p.similarity, p.other));
    box.append(pair);
  }
  if (ev.facts) box.append(evidenceBlock("facts", ev.facts));
  for (const link of ev.links || []) {
    box.append(evidenceBlock(link.problem, link.url + " — " + link.detail));
  }
  if (ev.examples) {
    box.append(evidenceBlock("suggested title", ev.suggested_title));
    const ul = el("ul");
    for (const q of ev.examples) ul.append(el("li", q));
    box.append(evidenceBlock("examples (" + ev.cluster_size + ", " + ev.trend + ")", ""));
    box.append(ul);
    const near = ev.nearest_article;
    if (near) {
      box.append(evidenceBlock("nearest article", (near.title || near.id) + " (" + near.id + ")"));
      if (ev.why_not_answered) box.append(evidenceBlock("why it does not answer", ev.why_not_answered));
      if (near.passage) box.append(evidenceBlock("its closest passage", near.passage));
    }
    const outline = el("ul");
    for (const line of ev.suggested_outline || []) outline.append(el("li", line));
    box.append(outline);
  }
  const shown = new Set(["summary", "since", "items", "passages", "links", "examples",
    "suggested_title", "suggested_outline", "article_title", "ticket_ids", "facts",
    "nearest_article", "why_not_answered"]);
  for (const [name, value] of Object.entries(ev)) {
    if (shown.has(name) || value === null || value === undefined) continue;
    box.append(evidenceBlock(name.replaceAll("_", " "),
      typeof value === "object" ? JSON.stringify(value) : value));
  }
}

async function openFlag(id) {
  try {
    const flag = await api("/v1/flags/" + id);
    current = flag;
    $("detail").hidden = false;
    $("detail-title").textContent = flag.reason.replaceAll("_", " ") + " · " +
      (flag.article ? flag.article.title : (flag.evidence.suggested_title || "missing article"));
    $("detail-meta").textContent = "status " + flag.status + " · severity " + flag.severity +
      " · impact " + flag.impact + (flag.note ? " · note: " + flag.note : "");
    $("detail").dataset.status = flag.status;
    renderEvidence(flag);
    const article = flag.article || flag.related;
    $("article-heading").textContent = article ? "Article: " + article.title : "Article";
    $("article").textContent = article ? article.body : "(no article yet)";
    $("note").value = "";
  } catch (err) {
    say(err.message, true);
  }
}

async function setStatus(status) {
  if (!current) return;
  const body = { status: status };
  if ($("note").value.trim()) body.note = $("note").value.trim();
  try {
    const flag = await api("/v1/flags/" + current.id, {
      method: "PATCH", body: JSON.stringify(body),
    });
    await loadList();
    await openFlag(flag.id);
    say("Flag " + flag.id + " is now " + flag.status + ".");
  } catch (err) {
    say(err.message, true);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("signin").addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY, $("key").value.trim());
    $("key").value = "";
    loadList();
  });
  $("signout").addEventListener("click", () => {
    sessionStorage.removeItem(KEY);
    $("app").hidden = true;
    $("signout").hidden = true;
    say("Signed out.");
  });
  $("reason").addEventListener("change", loadList);
  $("status").addEventListener("change", loadList);
  for (const button of document.querySelectorAll(".actions button[data-status]")) {
    button.addEventListener("click", () => setStatus(button.dataset.status));
  }
  if (sessionStorage.getItem(KEY)) loadList();
});
