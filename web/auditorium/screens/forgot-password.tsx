// /forgot-password/ (dashboard.md §1.6): the server answers the same for unknown addresses, so the flash does too.
import { useState } from 'preact/hooks';
import { BUTTON, Form, Heading, TextField } from '../components/fields.tsx';
import { useApp } from '../context.ts';
import { useBusy } from '../hooks.ts';

export function ForgotPasswordScreen() {
  const app = useApp();
  const s = app.s;
  const [email, setEmail] = useState('');
  const [busy, run] = useBusy();
  const submit = () =>
    run(async () => {
      // clients-and-crypto.md §5.6: the email link replaces {token}.
      const outcome = await app.vault.forgotPassword({ emailAddress: email, urlTemplate: `${app.origin}/reset-password/{token}/` });
      if (!outcome.ok) {
        app.flash.add(s.forgotPassword.failure);
        return;
      }
      setEmail('');
      app.flash.add(s.forgotPassword.success);
    });
  return (
    <>
      <Heading>{s.forgotPassword.heading}</Heading>
      <p class="mw6">{s.forgotPassword.intro}</p>
      <Form busy={busy} onSubmit={submit} testid="forgot-password/form">
        <TextField label={s.forms.email} type="email" autoComplete="username" value={email} onValue={setEmail} testid="forgot-password/email-input" />
        <button type="submit" class={BUTTON}>
          {s.forgotPassword.submit}
        </button>
      </Form>
    </>
  );
}
