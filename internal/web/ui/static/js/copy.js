// 인증서 복사 through the relay (/api/v1/relay), the same protocol certctl copy speaks:
// the receiver commits to an X25519 key and shows the 12-digit code; the sender claims
// with the code and its key; both derive the channel (npki.relayAgree: the Go code
// certctl runs) and show the same confirmation number; the relay carries ciphertext.
import * as store from './store.js';
import { msg, show, errorText, b64, unb64 } from './common.js';
import { npki } from './npki.js';
import { render, selected } from './picker.js';

render();

async function relay(method, path, token, body) {
  const init = { method, headers: { 'Accept': 'application/json' } };
  if (token) init.headers.Authorization = 'Bearer ' + token;
  if (body) { init.headers['Content-Type'] = 'application/json'; init.body = JSON.stringify(body); }
  const res = await fetch('/api/v1/relay/' + path, init);
  const data = res.status === 204 ? {} : await res.json().catch(() => ({}));
  if (!res.ok) { const e = new Error(data.hint ? `${data.title} ${data.hint}` : data.title || res.status); e.code = data.code; throw e; }
  return data;
}

async function wait(id, token, after) {
  for (;;) {
    const v = await relay('GET', `sessions/${id}?wait=20&after=${after}`, token);
    if (v.state !== after) return v;
  }
}

document.getElementById('receive-btn').addEventListener('click', async () => {
  try {
    const lib = await npki();
    const k = lib.relayKey();
    const s = await relay('POST', 'sessions', null, { commitment: b64(k.commitment) });
    document.getElementById('receive-box').classList.remove('hidden');
    document.getElementById('receive-code').textContent = lib.relayParseCode(s.code).formatted;
    show('receive-status', msg('js.receiving_wait'));
    const claimed = await wait(s.id, s.token, 'open');
    await relay('PUT', `sessions/${s.id}/receiver-key`, s.token, { publicKey: b64(k.publicKey) });
    const ch = lib.relayAgree(k.handle, unb64(claimed.senderKey), k.publicKey, unb64(claimed.senderKey), lib.relayParseCode(s.code).code);
    document.getElementById('receive-confirm').textContent = ch.confirmation;
    document.getElementById('receive-confirm-line').classList.remove('hidden');
    let v = await wait(s.id, s.token, 'revealed');
    if (!v.ciphertext) v = await wait(s.id, s.token, v.state);
    let outcome, p, saved = false;
    try {
      p = lib.relayOpen(ch.channel, unb64(v.ciphertext));
    } catch (e) {
      outcome = lib.relaySealOutcome(ch.channel, false, 'unreadable', '');
    }
    if (p) {
      const info = lib.certInfo(p.cert);
      if (await store.get(store.idOf(info))) {
        outcome = lib.relaySealOutcome(ch.channel, false, 'exists', p.folder);
      } else {
        await store.put(p.cert, p.keyFile, info);
        saved = true;
        outcome = lib.relaySealOutcome(ch.channel, true, '', p.folder);
      }
    }
    await relay('PUT', `sessions/${s.id}/outcome`, s.token, { ciphertext: b64(outcome.ciphertext) });
    show('receive-status', saved ? msg('js.received') : msg(p ? 'js.exists' : 'js.copy_unreadable'), !saved);
    render();
  } catch (e) {
    show('receive-status', errorText(e), true);
  }
});

document.getElementById('send-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const rec = await selected();
  if (!rec) { show('send-status', msg('js.choose'), true); return; }
  try {
    const lib = await npki();
    let code;
    try { code = lib.relayParseCode(document.getElementById('send-code').value).code; } catch { show('send-status', msg('js.code_format'), true); return; }
    const k = lib.relayKey();
    const c = await relay('POST', 'claims', null, { code, publicKey: b64(k.publicKey) });
    show('send-status', msg('js.sending_wait'));
    const v = await wait(c.id, c.token, 'claimed');
    const rk = unb64(v.receiverKey);
    if (!lib.relayCheckCommitment(rk, unb64(c.commitment)).ok) throw new Error('commitment');
    const ch = lib.relayAgree(k.handle, rk, rk, k.publicKey, code);
    document.getElementById('send-confirm').textContent = ch.confirmation;
    const line = document.getElementById('send-confirm-line');
    line.classList.remove('hidden');
    show('send-status', '');
    // The user compares the two screens; only a match sends (relay protocol step 4).
    const same = await new Promise((resolve) => {
      document.getElementById('send-confirm-yes').onclick = () => resolve(true);
      document.getElementById('send-confirm-no').onclick = () => resolve(false);
      document.getElementById('send-confirm-yes').focus();
    });
    line.classList.add('hidden');
    if (!same) {
      await relay('DELETE', `sessions/${c.id}`, c.token).catch(() => {});
      show('send-status', msg('js.copy_cancelled'), true);
      return;
    }
    const ct = lib.relaySeal(ch.channel, rec.cert, rec.keyFile, rec.info.folder.replace(/^NPKI\//, '')).ciphertext;
    await relay('PUT', `sessions/${c.id}/payload`, c.token, { ciphertext: b64(ct) });
    show('send-status', msg('js.sending_wait'));
    const done = await wait(c.id, c.token, 'sent');
    if (done.state === 'done' && done.outcome) {
      const o = lib.relayOpenOutcome(ch.channel, unb64(done.outcome));
      await relay('DELETE', `sessions/${c.id}`, c.token).catch(() => {});
      if (o.stored) show('send-status', msg('js.sent'));
      else show('send-status', o.reason === 'exists' ? msg('js.sent_exists') : msg('js.sent_refused', { reason: o.reason }), true);
    } else {
      show('send-status', msg('js.sent_unconfirmed'));
    }
  } catch (e) {
    show('send-status', errorText(e), true);
  }
});
