// Shared helpers of the certificate center's pages: messages, CSRF, JSON calls with
// retry on network errors, downloads, base64.

let messages = null;

// msg returns the page's message for key with {name} placeholders filled.
export function msg(key, vars = {}) {
  if (!messages) {
    const el = document.getElementById('messages');
    messages = el ? JSON.parse(el.textContent) : {};
  }
  let s = messages[key] ?? key;
  for (const [k, v] of Object.entries(vars)) s = s.replaceAll('{' + k + '}', String(v));
  return s;
}

export function csrf() {
  const m = document.querySelector('meta[name="csrf-token"]');
  return m ? m.content : '';
}

export function base() {
  return location.pathname.split('/').slice(0, 2).join('/') + '/';
}

// ApiError carries the server's problem document (stable code, title, hint).
export class ApiError extends Error {
  constructor(p) {
    super(p.title || p.code);
    this.code = p.code;
    this.hint = p.hint || '';
    this.status = p.status;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// api sends a JSON request to the center with the session's CSRF token. A network
// error (the answer was lost) is retried up to three times: the server's issuance is
// safe to repeat with the same key, and the other calls are idempotent or refuse a
// repeat with a clear code.
export async function api(path, body, method = 'POST') {
  const init = { method, credentials: 'same-origin', headers: { 'X-CSRF-Token': csrf(), 'Accept': 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let last;
  for (let i = 0; i < 4; i++) {
    let res;
    try {
      res = await fetch(path, init);
    } catch (e) {
      last = e;
      await sleep(400 * (i + 1));
      continue;
    }
    if ([502, 503, 504].includes(res.status) && i < 3) {
      await sleep(400 * (i + 1));
      continue;
    }
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw new ApiError({ status: res.status, ...data });
    return data;
  }
  throw new ApiError({ code: 'NETWORK', title: msg('js.network') });
}

// show writes a status line; isError makes it an alert.
export function show(id, text, isError = false) {
  const el = document.getElementById(id);
  if (!el) return;
  el.textContent = text;
  el.classList.toggle('field-error', isError);
  el.setAttribute('role', isError ? 'alert' : 'status');
}

export function errorText(e) {
  if (e instanceof ApiError) return e.hint ? `${e.message} ${e.hint}` : e.message;
  if (e && e.npki === 'WRONG_PASSWORD') return msg('js.wrong_password');
  return (e && e.message) || String(e);
}

export function b64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function unb64(s) {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function download(bytes, name, type = 'application/octet-stream') {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30000);
}

export function dateText(iso) {
  return new Date(iso).toLocaleDateString(document.documentElement.lang === 'en' ? 'en-CA' : 'ko-KR',
    { timeZone: 'Asia/Seoul', year: 'numeric', month: '2-digit', day: '2-digit' });
}

export function daysLeft(iso) {
  return Math.max(0, Math.floor((new Date(iso) - Date.now()) / 86400000));
}

// kindText names a certificate's kind as a person does: the subject's first OU
// (personal4IB, corporation4EC, personalF) and the usage from the policy's last arcs
// (KOREAN-PKI.md section 6: .1/.5 universal, .4/.2 banking; .1.10 the financial
// certificate).
export function kindText(info) {
  const ou = info.kind || '';
  const pol = (info.policies || [])[0] || '';
  let who = ou.startsWith('corporation') ? msg('js.kind_corporate') : msg('js.kind_personal');
  if (ou === 'personalF' || pol.endsWith('.1.10')) return msg('js.kind_fincert');
  const arc = pol.split('.').pop();
  const use = arc === '1' || arc === '5' ? msg('js.usage_universal') : msg('js.usage_banking');
  return `${who} · ${use}`;
}
