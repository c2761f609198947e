// 타기관 인증서 등록: the chosen certificate's key (opened here) signs the server's
// challenge, and R goes with it for the VID check against the verified customer.
import { api, msg, show, errorText, base, b64, unb64 } from './common.js';
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
