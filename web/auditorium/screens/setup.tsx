// /setup/ (dashboard.md §1.5): only while SETUP_STATUS is EMPTY; otherwise a flash and a redirect to `/`.
import { useEffect, useState } from 'preact/hooks';
import { BUTTON, Form, Heading, NewPasswordFields, TextField, useNewPassword } from '../components/fields.tsx';
import { useApp } from '../context.ts';
import { useBusy, useLoad } from '../hooks.ts';

export function SetupScreen() {
  const app = useApp();
  const s = app.s;
  const status = useLoad(() => app.vault.setupStatus());
  const [accountName, setAccountName] = useState('');
  const [email, setEmail] = useState('');
  const password = useNewPassword('setup/password-input', 'setup/password-repeat');
  const [busy, run] = useBusy();

  useEffect(() => {
    if (status === 'HASDATA') {
      app.flash.add(s.setup.alreadySetUp);
      app.navigate('/', { replace: true });
    }
  }, [status]);

  if (status !== 'EMPTY') {
    return (
      <>
        <Heading>{s.setup.heading}</Heading>
        <p role="status">{s.setup.preparing}</p>
      </>
    );
  }

  const submit = () => {
    if (!password.check()) return;
    run(async () => {
      const outcome = await app.vault.setup({ accountName, emailAddress: email, password: password.value });
      if (!outcome.ok) {
        app.flash.add(s.setup.failure);
        return;
      }
      app.flash.add(s.setup.success);
      app.navigate('/login/');
    });
  };

  return (
    <>
      <Heading>{s.setup.heading}</Heading>
      <p class="mw6">{s.setup.intro}</p>
      <Form busy={busy} onSubmit={submit} testid="setup/form">
        <TextField label={s.setup.accountName} value={accountName} onValue={setAccountName} autoComplete="organization" testid="setup/account-name-input" />
        <TextField label={s.setup.email} type="email" autoComplete="username" value={email} onValue={setEmail} testid="setup/email-input" />
        <NewPasswordFields label={s.setup.password} repeatLabel={s.forms.repeatPassword} {...password.fields} />
        <button type="submit" class={BUTTON} data-testid="setup/submit">
          {s.setup.submit}
        </button>
      </Form>
    </>
  );
}
