// 인증서 암호 변경, entirely in this browser: the key file is opened with the current
// password and encrypted again under the new one in its own scheme (npki.ChangePassword).
import * as store from './store.js';
import { msg, show, errorText } from './common.js';
import { npki } from './npki.js';
import { render, selected } from './picker.js';
import { wire, ruleText } from './pwrules.js';

const password = wire();
render();

document.getElementById('password-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const rec = await selected();
  if (!rec) { show('password-status', msg('js.choose'), true); return; }
  const np = password();
  if (!np) { show('password-status', msg('pw.mismatch'), true); return; }
  try {
    const lib = await npki();
    const out = lib.changePassword(rec.keyFile, document.getElementById('cert-password').value, np);
    await store.put(rec.cert, out.keyFile, rec.info);
    for (const id of ['cert-password', 'password', 'password2']) document.getElementById(id).value = '';
    show('password-status', msg('js.changed'));
  } catch (e) {
    show('password-status', e.npki && e.npki.startsWith('PASSWORD_') ? msg('pw.failed', { rule: ruleText(e.npki.slice(9).toLowerCase()) }) : errorText(e), true);
  }
});
