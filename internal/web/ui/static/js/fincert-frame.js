// The financial certificate's iframe (certcenter's origin): it takes a request from the
// relying page's SDK (postMessage), shows what is being signed and asks for the PIN,
// proves this browser's device key (a non-extractable WebCrypto ECDSA P-256 key kept in
// IndexedDB), calls the financial certificate API, and posts the result back to the
// page that asked — and only to it.
import { msg, b64, unb64 } from './common.js';

const $ = (id) => document.getElementById(id);
let parentOrigin = null, current = null;

function status(text, isError = false) {
  const el = $('fc-status');
  el.textContent = text;
  el.classList.toggle('field-error', isError);
}

function showOnly(id) {
  for (const s of document.querySelectorAll('main.fc > section')) s.classList.toggle('hidden', s.id !== id);
}

const SDK_CODES = {
  FINCERT_PIN_LOCKED: 800300, FINCERT_NOT_FOUND: 800200, FINCERT_EXPIRED: 800400, FINCERT_REVOKED: 800400,
  FINCERT_SUSPENDED: 800400, FINCERT_SIGN_REQUEST_USED: 800500, FINCERT_SIGN_REQUEST_EXPIRED: 800500,
  FINCERT_SIGN_REQUEST_NOT_FOUND: 800500, FINCERT_SIGN_REQUEST_INVALID: 800500, FINCERT_DEVICE_UNKNOWN: 800600,
  FINCERT_DEVICE_PROOF: 800600, FINCERT_RENEWAL_WINDOW: 800700,
};

function finish(ok, value) {
  if (!current || !parentOrigin) return;
  window.parent.postMessage({ type: 'fincert-result', id: current.id, ok, result: ok ? value : undefined, error: ok ? undefined : value }, parentOrigin);
  current = null;
}

function fail(e) {
  finish(false, { code: SDK_CODES[e.code] || (e.code === 'CANCEL' ? 800100 : 800900), message: e.message, apiCode: e.code });
}

async function api(path, body) {
  const res = await fetch('/fincert/v1/' + path, body === undefined ? {} : {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  const data = res.status === 204 ? {} : await res.json().catch(() => ({}));
  if (!res.ok) {
    const e = new Error(data.hint ? `${data.title} ${data.hint}` : data.title || String(res.status));
    e.code = data.code;
    throw e;
  }
  return data;
}

// The device key: one per browser, non-extractable, in IndexedDB (CryptoKey objects
// are stored as they are; the private half can never be read out).
function db() {
  return new Promise((resolve, reject) => {
    const q = indexedDB.open('certcenter-fincert', 1);
    q.onupgradeneeded = () => q.result.createObjectStore('device');
    q.onsuccess = () => resolve(q.result);
    q.onerror = () => reject(q.error);
  });
}

async function loadDevice() {
  const d = await db();
  return new Promise((resolve) => {
    const g = d.transaction('device').objectStore('device').get('this');
    g.onsuccess = () => resolve(g.result || null);
    g.onerror = () => resolve(null);
  });
}

async function saveDevice(dev) {
  const d = await db();
  return new Promise((resolve, reject) => {
    const t = d.transaction('device', 'readwrite');
    t.objectStore('device').put(dev, 'this');
    t.oncomplete = resolve;
    t.onerror = () => reject(t.error);
  });
}

async function newDeviceKey() {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey));
  return { pair, spki };
}

const label = () => (navigator.userAgentData && navigator.userAgentData.platform) || navigator.platform || 'browser';

// proof signs ProofMessage(purpose, binding, nonce) with the device key.
async function proof(dev, purpose, binding) {
  const ch = await api('challenges', { deviceId: dev.deviceId });
  const nonce = unb64(ch.nonce);
  const head = new TextEncoder().encode(`certcenter-fincert-device-v1\0${purpose}\0${binding}\0`);
  const m = new Uint8Array(head.length + nonce.length);
  m.set(head);
  m.set(nonce, head.length);
  const sig = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, dev.key, m));
  return { deviceId: dev.deviceId, nonce: ch.nonce, proof: b64(sig) };
}

const pinOK = (p) => /^[0-9]{6}$/.test(p);

// issue: reference number and authorization code from the institution, the PIN chosen here.
function issue(args) {
  showOnly('fc-issue');
  status(msg('fcjs.issue_lead'));
  $('fc-phone').focus();
  $('fc-issue-go').onclick = async () => {
    const pin = $('fc-pin1').value;
    if (!pinOK(pin) || pin !== $('fc-pin2').value) { status(msg('fcjs.pin_mismatch'), true); return; }
    try {
      const { pair, spki } = await newDeviceKey();
      const out = await api('issue', { refNum: args.refNum, authCode: args.authCode, pin, phone: $('fc-phone').value.replace(/\D/g, ''),
        devicePublicKey: b64(spki), deviceLabel: label(), confirmSupersede: $('fc-supersede-ok').checked,
        autoRenew: $('fc-autorenew').checked });
      await saveDevice({ deviceId: out.deviceId, key: pair.privateKey, label: label() });
      $('fc-pin1').value = $('fc-pin2').value = '';
      finish(true, out);
    } catch (e) {
      if (e.code === 'FINCERT_SUPERSEDE_CONFIRM') {
        $('fc-supersede').classList.remove('hidden');
        status(msg('fcjs.supersede'), true);
        $('fc-supersede-ok').focus();
        return;
      }
      $('fc-pin1').value = $('fc-pin2').value = '';
      status(e.message, true);
      if (e.code === 'FINCERT_PIN_WEAK') $('fc-pin1').focus();
      else fail(e);
    }
  };
}

// register: a new browser proves the person by an SMS code before it may sign.
function register() {
  return new Promise((resolve, reject) => {
    showOnly('fc-register');
    status(msg('fcjs.register_lead'));
    $('fc-r-name').focus();
    let pending = null, pair = null;
    $('fc-r-send').onclick = async () => {
      try {
        const k = await newDeviceKey();
        pair = k.pair;
        pending = await api('device-registrations', { name: $('fc-r-name').value.trim(), birthDate: $('fc-r-birth').value.trim(),
          phone: $('fc-r-phone').value.replace(/\D/g, ''), publicKey: b64(k.spki), label: label() });
        $('fc-r-code-field').classList.remove('hidden');
        status(msg('fcjs.code_sent'));
        $('fc-r-code').focus();
      } catch (e) { status(e.message, true); }
    };
    $('fc-r-confirm').onclick = async () => {
      try {
        const out = await api(`device-registrations/${pending.id}/confirm`, { code: $('fc-r-code').value.trim() });
        const dev = { deviceId: out.deviceId, key: pair.privateKey, label: label() };
        await saveDevice(dev);
        resolve(dev);
      } catch (e) {
        status(e.message, true);
        if (e.code === 'FINCERT_CODE_EXPIRED') reject(e);
      }
    };
  });
}

async function deviceOrRegister() {
  return (await loadDevice()) || register();
}

async function sign(args) {
  const view = await api(`sign-requests/${encodeURIComponent(args.signRequestId)}`);
  let dev = await deviceOrRegister();
  showOnly('fc-sign');
  $('fc-org').textContent = msg('fcjs.org', { org: view.orgName, type: msg('fcjs.type_' + view.signType) });
  $('fc-text').textContent = (view.plainTexts || []).join('\n') || msg('fcjs.binary', { n: view.items });
  status(msg('fcjs.sign_lead'));
  $('fc-pin').focus();
  $('fc-sign-go').onclick = async () => {
    const pin = $('fc-pin').value;
    if (!pinOK(pin)) { status(msg('fcjs.pin_format'), true); return; }
    try {
      const p = await proof(dev, 'sign', args.signRequestId);
      const out = await api(`sign-requests/${encodeURIComponent(args.signRequestId)}/complete`, { ...p, pin });
      $('fc-pin').value = '';
      finish(true, out);
    } catch (e) {
      $('fc-pin').value = '';
      if (e.code === 'FINCERT_PIN_WRONG') { status(e.message, true); $('fc-pin').focus(); return; }
      if (e.code === 'FINCERT_DEVICE_UNKNOWN') {
        status(e.message, true);
        dev = await register().catch(fail);
        if (dev) { showOnly('fc-sign'); status(msg('fcjs.sign_lead')); }
        return;
      }
      status(e.message, true);
      fail(e);
    }
  };
}

// devices lists the person's connected browsers, each but this one with a button that
// disconnects it (a fresh proof for each action).
async function devices(dev) {
  const out = await api('devices/list', await proof(dev, 'manage', ''));
  const ul = $('fc-devices');
  ul.textContent = '';
  for (const d of out.devices) {
    const li = document.createElement('li');
    li.className = 'cert';
    li.dataset.device = d.id;
    const span = document.createElement('span');
    span.textContent = `${d.label} · ${msg('fcjs.since', { date: d.createdAt.slice(0, 10) })}` + (d.id === dev.deviceId ? ` (${msg('fcjs.this_device')})` : '');
    li.append(span);
    if (d.id !== dev.deviceId) {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'btn secondary fc-disconnect';
      b.textContent = msg('fcjs.disconnect');
      b.setAttribute('aria-label', `${msg('fcjs.disconnect')}: ${d.label}`);
      b.onclick = async () => {
        try {
          await api(`devices/${encodeURIComponent(d.id)}/disconnect`, await proof(dev, 'manage', d.id));
          await devices(dev);
          status(msg('fcjs.disconnected'));
        } catch (e) { status(e.message, true); }
      };
      li.append(b);
    }
    ul.append(li);
  }
  $('fc-devices-box').classList.remove('hidden');
}

async function certInfo(withDevices = false) {
  const dev = await loadDevice();
  if (!dev) throw Object.assign(new Error(msg('fcjs.no_device')), { code: 'FINCERT_NOT_FOUND' });
  const out = await api('cert-info', await proof(dev, 'manage', ''));
  showOnly('fc-info');
  const dl = $('fc-info-dl');
  dl.textContent = '';
  for (const [k, v] of [['subject', out.subject], ['serial', out.certSeqNum], ['institution', out.institution],
    ['until', out.notAfter], ['status', out.status]]) {
    const dt = document.createElement('dt');
    dt.textContent = msg('fcjs.col_' + k);
    const dd = document.createElement('dd');
    dd.textContent = v;
    dl.append(dt, dd);
  }
  status('');
  if (withDevices) await devices(dev);
  $('fc-info-ok').focus();
  $('fc-info-ok').onclick = () => finish(true, out);
}

async function renew() {
  const dev = await deviceOrRegister();
  showOnly('fc-sign');
  $('fc-org').textContent = msg('fcjs.renew');
  $('fc-text').textContent = msg('fcjs.renew_text');
  status(msg('fcjs.sign_lead'));
  $('fc-pin').focus();
  $('fc-sign-go').onclick = async () => {
    try {
      const out = await api('renew', { ...(await proof(dev, 'renew', '')), pin: $('fc-pin').value });
      finish(true, out);
    } catch (e) {
      $('fc-pin').value = '';
      status(e.message, true);
      if (e.code !== 'FINCERT_PIN_WRONG') fail(e);
    }
  };
}

// resetPIN: the institution verified the person again and gave a reset id and code;
// a registered device (this browser, proven) sets the new PIN, which lifts a lock.
async function resetPIN(args) {
  const dev = await deviceOrRegister();
  showOnly('fc-reset');
  status(msg('fcjs.reset_lead'));
  $('fc-rpin1').focus();
  $('fc-reset-go').onclick = async () => {
    const pin = $('fc-rpin1').value;
    if (!pinOK(pin) || pin !== $('fc-rpin2').value) { status(msg('fcjs.pin_mismatch'), true); return; }
    try {
      await api(`pin-resets/${encodeURIComponent(args.resetId)}/complete`,
        { ...(await proof(dev, 'pin-reset', args.resetId)), resetCode: args.resetCode, pin });
      $('fc-rpin1').value = $('fc-rpin2').value = '';
      finish(true, { reset: true });
    } catch (e) {
      $('fc-rpin1').value = $('fc-rpin2').value = '';
      status(e.message, true);
      if (e.code !== 'FINCERT_PIN_WEAK') fail(e);
    }
  };
}

$('fc-cancel').addEventListener('click', () => finish(false, { code: 800100, message: msg('fcjs.cancelled') }));

window.addEventListener('message', async (e) => {
  if (e.source !== window.parent || !e.data || e.data.type !== 'fincert') return;
  if (parentOrigin && e.origin !== parentOrigin) return;
  parentOrigin = e.origin;
  current = { id: e.data.id };
  try {
    switch (e.data.op) {
      case 'issue': return issue(e.data.args);
      case 'sign': return await sign(e.data.args);
      case 'getCertInfo': return await certInfo();
      case 'manage': return await certInfo(true);
      case 'renew': return await renew();
      case 'resetPIN': return await resetPIN(e.data.args);
      default: throw Object.assign(new Error('unknown operation'), { code: 'UNKNOWN' });
    }
  } catch (err) {
    status(err.message, true);
    fail(err);
  }
});

status('');
window.parent.postMessage({ type: 'fincert-ready' }, '*');
