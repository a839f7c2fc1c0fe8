// /reset-password/:token (dashboard.md §1.7, with the repeated-password check of D9) and /join/:token (§1.8):
// email address, new password twice, and the token from the emailed link.
import { useState } from 'preact/hooks';
import { BUTTON, Form, Heading, NewPasswordFields, TextField, useNewPassword } from '../components/fields.tsx';
import { useApp } from '../context.ts';
import { useBusy } from '../hooks.ts';
import type { Outcome } from '../vault-client.ts';

function TokenPasswordForm(props: {
  heading: string;
  intro: string;
  submitLabel: string;
  passwordLabel: string;
  repeatLabel: string;
  testid: string;
  send: (payload: { emailAddress: string; password: string }) => Promise<Outcome>;
  onSuccess: () => void;
  failure: string;
}) {
  const app = useApp();
  const s = app.s;
  const [email, setEmail] = useState('');
  const password = useNewPassword(`${props.testid}/password-input`, `${props.testid}/password-repeat`);
  const [busy, run] = useBusy();

  const submit = () => {
    if (!password.check()) return;
    run(async () => {
      const outcome = await props.send({ emailAddress: email, password: password.value });
      if (!outcome.ok) {
        app.flash.add(props.failure);
        return;
      }
      props.onSuccess();
    });
  };

  return (
    <>
      <Heading>{props.heading}</Heading>
      <p class="mw6">{props.intro}</p>
      <Form busy={busy} onSubmit={submit} testid={`${props.testid}/form`}>
        <TextField label={s.forms.email} type="email" autoComplete="username" value={email} onValue={setEmail} testid={`${props.testid}/email-input`} />
        <NewPasswordFields label={props.passwordLabel} repeatLabel={props.repeatLabel} {...password.fields} />
        <button type="submit" class={BUTTON}>
          {props.submitLabel}
        </button>
      </Form>
    </>
  );
}

export function ResetPasswordScreen({ params }: { params: Record<string, string> }) {
  const app = useApp();
  const s = app.s;
  return (
    <TokenPasswordForm
      heading={s.resetPassword.heading}
      intro={s.resetPassword.intro}
      submitLabel={s.resetPassword.submit}
      passwordLabel={s.forms.newPassword}
      repeatLabel={s.forms.repeatNewPassword}
      testid="reset-password"
      send={(payload) => app.vault.resetPassword({ ...payload, token: params.token ?? '' })}
      // §1.7: straight to the login, no flash.
      onSuccess={() => app.navigate('/login/')}
      failure={s.resetPassword.failure}
    />
  );
}

export function JoinScreen({ params }: { params: Record<string, string> }) {
  const app = useApp();
  const s = app.s;
  return (
    <TokenPasswordForm
      heading={s.join.heading}
      intro={s.join.intro}
      submitLabel={s.join.submit}
      passwordLabel={s.forms.password}
      repeatLabel={s.forms.repeatPassword}
      testid="join"
      send={(payload) => app.vault.join({ ...payload, token: params.token ?? '' })}
      onSuccess={() => {
        app.flash.add(s.join.success);
        app.navigate('/login/');
      }}
      failure={s.join.failure}
    />
  );
}
