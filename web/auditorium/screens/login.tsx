// /login/ (dashboard.md §1.2): LOGIN with credentials; on success `next` or the first account's dashboard or the
// console (§1 auth guard); on failure a flash and the user stays here.
import { useRef, useState } from 'preact/hooks';
import { BUTTON, Form, Heading, TextField } from '../components/fields.tsx';
import { Link } from '../components/link.tsx';
import { useApp } from '../context.ts';
import { useBusy, useLoad } from '../hooks.ts';
import { safeNext } from '../router.ts';
import { landingAfterLogin } from '../session.ts';

export function LoginScreen() {
  const app = useApp();
  const s = app.s;
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, run] = useBusy();
  const passwordInput = useRef<HTMLInputElement>(null);
  // A fresh instance has nobody to log in: point at /setup/ (which only works while SETUP_STATUS is EMPTY).
  const setupStatus = useLoad(() => app.vault.setupStatus());

  const submit = () =>
    run(async () => {
      const outcome = await app.session.logIn({ username: email, password });
      if (!outcome.ok) {
        app.flash.add(s.login.failure);
        setPassword('');
        // After the fieldset is enabled again.
        setTimeout(() => passwordInput.current?.focus(), 0);
        return;
      }
      const next = safeNext(new URLSearchParams(app.place.search).get('next'));
      app.navigate(landingAfterLogin(outcome.value, next));
    });

  return (
    <>
      <Heading>{s.login.heading}</Heading>
      {setupStatus === 'EMPTY' ? (
        <p class="bg-light-yellow pa3 br2 mw6" data-testid="login/not-set-up">
          {s.login.notSetUp} <Link to="/setup/" class="dark-blue">{s.login.setupLink}</Link>
        </p>
      ) : null}
      <Form busy={busy} onSubmit={submit} testid="login/form">
        <TextField label={s.forms.email} type="email" autoComplete="username" value={email} onValue={setEmail} testid="login/username-input" />
        <TextField
          label={s.forms.password}
          type="password"
          autoComplete="current-password"
          value={password}
          onValue={setPassword}
          testid="login/password-input"
          inputRef={passwordInput}
        />
        <button type="submit" class={BUTTON} data-testid="login/submit">
          {s.login.submit}
        </button>
        <Link to="/forgot-password/" class="dark-blue f6 ml2">
          {s.login.forgot}
        </Link>
      </Form>
      <p class="f6 mt4">
        {s.login.notOperatorBefore}
        {/* §1.2: the current query parameters are kept (locale among them). */}
        <Link to={'/auditorium/' + app.place.search} class="dark-blue">
          {s.login.notOperatorLink}
        </Link>
        {s.login.notOperatorAfter}
      </p>
    </>
  );
}
