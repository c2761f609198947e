// The session countdown (Korean banks sign out after 10 minutes without activity): the
// header shows the time left, warns in the last minute, and "연장" extends it.
import { csrf, base, msg } from './common.js';

const el = document.getElementById('session-timer');
if (el) {
  let expires = Number(el.dataset.expires);
  const out = el.querySelector('b');
  const tick = () => {
    const left = Math.max(0, Math.round((expires - Date.now()) / 1000));
    out.textContent = `${String(Math.floor(left / 60)).padStart(2, '0')}:${String(left % 60).padStart(2, '0')}`;
    el.classList.toggle('low', left <= 60);
    if (left === 0) {
      clearInterval(timer);
      out.textContent = '00:00';
      el.setAttribute('aria-live', 'assertive');
      el.title = msg('js.session_expired');
    }
  };
  const timer = setInterval(tick, 1000);
  tick();
  document.getElementById('session-extend')?.addEventListener('click', async () => {
    const res = await fetch(base() + 'session/extend', { method: 'POST', headers: { 'X-CSRF-Token': csrf() }, credentials: 'same-origin' });
    if (res.ok) expires = (await res.json()).expiresAt;
    else location.reload();
    tick();
  });
}
