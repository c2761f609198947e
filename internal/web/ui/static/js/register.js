// 타기관 인증서 등록: the chosen certificate's key (opened here) signs the server's
// challenge, and R goes with it for the VID check against the verified customer.
import { api, msg, show, errorText, base, b64, unb64, ApiError } from './common.js';
import { npki } from './npki.js';
import { render, selected } from './picker.js';
import { readFiles } from './importer.js';

render();

document.getElementById('register-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const pw = document.getElementById('cert-password').value;
  try {
    let rec;
    const files = document.getElementById('register-files').files;
    if (files.length > 0) {
      const found = await readFiles(files, pw);
      if (found.length === 0) { show('register-status', msg('js.import_none'), true); return; }
      rec = found[0];
    } else {
      rec = await selected();
    }
    if (!rec) { show('register-status', msg('js.choose'), true); return; }
    const lib = await npki();
    const k = lib.openKey(rec.keyFile, pw);
    const ch = await api(base() + 'api/register/challenge', {});
    const sig = lib.sign(k.handle, unb64(ch.challenge)).signature;
    lib.dropKey(k.handle);
    await api(base() + 'api/register', { challengeId: ch.id, certificate: b64(rec.cert), signature: b64(sig), randomNum: k.r });
    document.getElementById('cert-password').value = '';
    location.href = base() + 'register/list?done=1';
  } catch (e) {
    show('register-status', errorText(e), true);
  }
});

// A financial certificate signs in certcenter's iframe, loaded through the SDK on this
// page: the server makes the challenge and its sign request, the iframe asks for the
// PIN (and, on a browser new to it, registers the device by SMS), and what it returns
// (signature, certificate, R) is registered like any other certificate's proof.
const fcBtn = document.getElementById('register-fincert-btn');
let sdk = null;
function loadSDK() {
  if (!sdk) {
    sdk = new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = '/fincert/v1/sdk.js';
      s.onload = () => resolve(window.FinCert);
      s.onerror = () => { sdk = null; reject(new Error('sdk')); };
      document.head.appendChild(s);
    });
  }
  return sdk;
}
const hex = (b64s) => Array.from(unb64(b64s), (x) => x.toString(16).padStart(2, '0')).join('');
if (fcBtn) {
  fcBtn.addEventListener('click', async () => {
    fcBtn.disabled = true;
    show('register-fincert-status', msg('js.fincert_wait'));
    try {
      const fc = await loadSDK();
      const start = await api(base() + 'api/register/fincert', {});
      fc.init({ orgCode: start.orgCode, lang: document.documentElement.lang });
      const r = await fc.sign({ signRequestId: start.signRequestId });
      await api(base() + 'api/register', { challengeId: start.challengeId, certificate: r.certificate, signature: r.signedVals[0], randomNum: hex(r.rValue) });
      location.href = base() + 'register/list?done=1';
    } catch (e) {
      show('register-fincert-status', e instanceof ApiError ? errorText(e) : `${e.message || ''} (${e.code || 'error'})`, true);
    } finally {
      fcBtn.disabled = false;
    }
  });
}
