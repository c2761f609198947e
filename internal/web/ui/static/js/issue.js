// The key step of 발급/재발급: WebCrypto makes an RSA-2048 key pair in this browser; the
// npki module draws R, builds the CSR and encrypts signPri.key under the password (the
// Korean form). The server receives the CSR and R (for the VID) only.
import { api, msg, show, errorText, b64, unb64, base, download } from './common.js';
import { npki } from './npki.js';
import { wire, ruleText } from './pwrules.js';
import * as store from './store.js';

const form = document.getElementById('issue-form');
const btn = document.getElementById('issue-btn');
const password = wire();
let key = null;

async function makeKey() {
  if (!crypto.subtle) throw new Error(msg('js.no_webcrypto'));
  const [lib, pair] = await Promise.all([npki(), crypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true, ['sign', 'verify'])]);
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey));
  const k = lib.importKey(pkcs8);
  pkcs8.fill(0);
  return { lib, handle: k.handle, r: k.r };
}

makeKey().then((k) => {
  key = k;
  show('keygen-status', msg('key.ready'));
  btn.disabled = false;
}).catch((e) => show('keygen-status', errorText(e), true));

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const pw = password();
  if (!pw) {
    const rule = key && key.lib.checkPassword(document.getElementById('password').value).rule;
    show('issue-status', rule ? msg('pw.failed', { rule: ruleText(rule) }) : msg('pw.mismatch'), true);
    document.getElementById('password').focus();
    return;
  }
  const where = form.querySelector('input[name="store"]:checked').value;
  btn.disabled = true;
  try {
    const { lib, handle, r } = key;
    const keyFile = lib.encryptKey(handle, pw).keyFile; // refuses a weak password before anything is sent
    show('issue-status', msg('key.issuing'));
    const csr = lib.csr(handle).csr;
    const out = await api(base() + 'api/issue', { csr: b64(csr), randomNum: r });
    const cert = unb64(out.certificate);
    const info = lib.certInfo(cert);
    show('issue-status', msg('key.saving'));
    if (where === 'browser') {
      await store.put(cert, keyFile, info);
    } else if (where === 'zip') {
      download(lib.npkiZip(cert, keyFile).zip, `NPKI-${info.serial.slice(-8)}.zip`, 'application/zip');
    } else {
      download(lib.pfxExport(handle, cert, pw).pfx, `${info.name}-${info.serial.slice(-8)}.pfx`, 'application/x-pkcs12');
    }
    lib.dropKey(handle);
    setTimeout(() => { location.href = base() + 'issue/done'; }, where === 'browser' ? 0 : 800);
  } catch (e) {
    show('issue-status', errorText(e), true);
    btn.disabled = false;
  }
});
