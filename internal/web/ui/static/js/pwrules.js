// The new-password fields: the Korean key-file policy checked as the user types, rule
// by rule (the final word is npki.checkPassword's, the same code certctl runs).
import { msg } from './common.js';

const FORBIDDEN = '“”‘’"\'\\|';

export function rules(pw) {
  const chars = [...pw];
  return {
    length: pw.length >= 10,
    letter: /[A-Za-z]/.test(pw),
    digit: /[0-9]/.test(pw),
    special: chars.some((c) => c >= '!' && c <= '~' && !/[A-Za-z0-9]/.test(c) && !FORBIDDEN.includes(c)),
    allowed: pw.length > 0 && chars.every((c) => c >= '!' && c <= '~' && !FORBIDDEN.includes(c)),
  };
}

// wire updates the checklist under #password and the mismatch note of #password2;
// returns a function giving the password when both fields agree and every rule is met,
// else null.
export function wire(root = document) {
  const pw = root.querySelector('#password'), pw2 = root.querySelector('#password2');
  const list = root.querySelector('#password-rules'), err2 = root.querySelector('#password2-error');
  const update = () => {
    const r = rules(pw.value);
    for (const li of list.querySelectorAll('li')) {
      const ok = r[li.dataset.rule];
      li.classList.toggle('met', ok);
      li.classList.toggle('unmet', !ok);
    }
    const mismatch = pw2.value !== '' && pw2.value !== pw.value;
    err2.classList.toggle('hidden', !mismatch);
    pw2.setAttribute('aria-invalid', String(mismatch));
    pw.setAttribute('aria-invalid', String(pw.value !== '' && !Object.values(r).every(Boolean)));
  };
  pw.addEventListener('input', update);
  pw2.addEventListener('input', update);
  return () => (Object.values(rules(pw.value)).every(Boolean) && pw.value === pw2.value ? pw.value : null);
}

// ruleText is the message for a rule npki refused.
export function ruleText(rule) {
  return msg('js.pw_rule_' + rule);
}
