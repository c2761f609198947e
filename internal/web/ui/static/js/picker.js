// The certificate chooser of the renew, revoke, suspend, password, register and copy
// pages: the browser's certificates as radio buttons, with status and renewal window.
import * as store from './store.js';
import { msg, dateText, daysLeft, kindText } from './common.js';

// render fills #cert-list; filter decides which records are shown. Returns the records.
export async function render(filter = () => true, extra = () => '') {
  const box = document.getElementById('cert-list');
  const list = (await store.all()).filter(filter);
  box.textContent = '';
  if (list.length === 0) {
    const p = document.createElement('p');
    p.id = 'cert-none';
    p.textContent = msg('js.none');
    box.appendChild(p);
    return list;
  }
  list.forEach((rec, i) => {
    const label = document.createElement('label');
    label.className = 'cert';
    label.htmlFor = 'cert-' + i;
    const input = document.createElement('input');
    input.type = 'radio';
    input.name = 'cert';
    input.id = 'cert-' + i;
    input.value = rec.id;
    if (i === 0) input.checked = true;
    const span = document.createElement('span');
    const b = document.createElement('b');
    b.textContent = rec.info.name;
    const meta = document.createElement('span');
    meta.className = 'meta';
    meta.textContent = `${rec.info.institution} · ${kindText(rec.info)} · ${rec.info.serial.slice(-8)} · ~${dateText(rec.info.notAfter)} (${msg('js.days_left', { days: daysLeft(rec.info.notAfter) })})`;
    const more = extra(rec);
    span.append(b, document.createElement('br'), meta);
    if (more) {
      const m = document.createElement('span');
      m.className = 'meta window';
      m.textContent = ' · ' + more;
      span.append(m);
    }
    label.append(input, span);
    box.appendChild(label);
  });
  return list;
}

export async function selected() {
  const r = document.querySelector('input[name="cert"]:checked');
  return r ? store.get(r.value) : null;
}

// renewalWindow describes where a certificate stands against the 30-day window.
export function renewalWindow(info) {
  const end = new Date(info.notAfter), now = Date.now();
  const opens = new Date(end.getTime() - 30 * 86400000);
  if (now > end) return { open: false, text: msg('js.window_expired') };
  if (now < opens) return { open: false, text: msg('js.window_later', { date: dateText(opens.toISOString()) }) };
  return { open: true, text: msg('js.window_open', { days: daysLeft(info.notAfter) }) };
}
