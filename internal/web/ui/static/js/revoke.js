// 폐기 and 효력정지 at the holder's request: the key, opened here, signs the server's
// fixed message for the serial (and reason); nothing else leaves the browser.
import * as store from './store.js';
import { api, msg, show, errorText, base, b64 } from './common.js';
import { npki } from './npki.js';
import { render, selected } from './picker.js';

const suspend = !!document.getElementById('suspend-form');
const form = document.getElementById(suspend ? 'suspend-form' : 'revoke-form');
const status = suspend ? 'suspend-status' : 'revoke-status';
render();

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const rec = await selected();
  if (!rec) { show(status, msg('js.choose'), true); return; }
  if (!suspend && !document.getElementById('revoke-confirm').checked) { show(status, msg('js.confirm_needed'), true); return; }
  try {
    const lib = await npki();
    const k = lib.openKey(rec.keyFile, document.getElementById('cert-password').value);
    let text, path, body;
    if (suspend) {
      text = `certcenter suspension v1\nserial=${rec.info.serial}\n`;
      path = 'api/suspend';
      body = { serial: rec.info.serial };
    } else {
      const reason = form.querySelector('input[name="reason"]:checked').value;
      text = `certcenter revocation v1\nserial=${rec.info.serial}\nreason=${reason}\n`;
      path = 'api/revoke';
      body = { serial: rec.info.serial, reason };
    }
    body.signature = b64(lib.sign(k.handle, new TextEncoder().encode(text)).signature);
    lib.dropKey(k.handle);
    await api(base() + path, body);
    document.getElementById('cert-password').value = '';
    show(status, msg(suspend ? 'js.suspended' : 'js.revoked'));
    if (!suspend) await store.put(rec.cert, rec.keyFile, { ...rec.info, revoked: true });
  } catch (e) {
    show(status, errorText(e), true);
  }
});
