// 갱신: the current key (opened here with its password) signs the DER of a new CSR made
// from a new key pair; the server checks the window and the signature. The new key file
// takes the same password or a new one.
import * as store from './store.js';
import { api, msg, show, errorText, base, b64, unb64 } from './common.js';
import { npki } from './npki.js';
import { render, selected, renewalWindow } from './picker.js';
import { wire } from './pwrules.js';

const password = wire();
render((r) => true, (r) => renewalWindow(r.info).text);
const fields = document.getElementById('new-password-fields');
for (const r of document.querySelectorAll('input[name="pwmode"]')) {
  r.addEventListener('change', () => fields.classList.toggle('hidden', r.value !== 'change' || !r.checked));
}

document.getElementById('renew-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const rec = await selected();
  if (!rec) { show('renew-status', msg('js.choose'), true); return; }
  const oldPw = document.getElementById('cert-password').value;
  const change = document.getElementById('change-password').checked;
  const newPw = change ? password() : oldPw;
  if (!newPw) { show('renew-status', msg('pw.mismatch'), true); return; }
  const btn = document.getElementById('renew-btn');
  btn.disabled = true;
  try {
    const lib = await npki();
    const cur = lib.openKey(rec.keyFile, oldPw);
    const pair = await crypto.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign']);
    const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey));
    const k = lib.importKey(pkcs8);
    pkcs8.fill(0);
    const keyFile = change ? lib.encryptKey(k.handle, newPw).keyFile : lib.encryptKeyExisting(k.handle, newPw).keyFile;
    const csr = lib.csr(k.handle).csr;
    const sig = lib.sign(cur.handle, csr).signature;
    lib.dropKey(cur.handle);
    show('renew-status', msg('key.issuing'));
    const out = await api(base() + 'api/renew', { serial: rec.info.serial, csr: b64(csr), signature: b64(sig), randomNum: k.r });
    const cert = unb64(out.certificate);
    lib.dropKey(k.handle);
    await store.put(cert, keyFile, lib.certInfo(cert));
    await store.remove(rec.id);
    document.getElementById('cert-password').value = '';
    show('renew-status', msg('js.renewed'));
    render((r) => true, (r) => renewalWindow(r.info).text);
  } catch (e) {
    show('renew-status', errorText(e), true);
  } finally {
    btn.disabled = false;
  }
});
