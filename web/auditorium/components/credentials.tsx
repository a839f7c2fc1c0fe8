// The console's own-credential and account-creation flows (dashboard.md §1.4, §4.3, §4.5). Every change of
// credentials ends the session (the server clears the auth cookie; D8: LOGOUT also drops the vault's KEKs), then
// the user goes to /login/ with a flash that says why.
import { useRef, useState } from 'preact/hooks';
import { useApp } from '../context.ts';
import { useBusy } from '../hooks.ts';
import { format } from '../locale.ts';
import { useFocusOnReturn } from './accounts.tsx';
import type { Outcome } from '../vault-client.ts';
import { BUTTON, ConfirmCredentials, Form, NewPasswordFields, TextField, useNewPassword } from './fields.tsx';

/** Ends the client session and goes to /login/ with `message`. A failed LOGOUT is fine: the cookie may be gone already. */
function useRelogin() {
  const app = useApp();
  return async (message: string) => {
    await app.session.logOut();
    app.flash.add(message);
    app.navigate('/login/');
  };
}

/**
 * Step 1 asks for one value, step 2 for the user's email and password (§1.4); a failure goes back to step 1
 * with a flash, a success ends the session (the change needs a fresh login).
 */
function TwoStepChange(props: {
  testid: string;
  inputTestid: string;
  label: string;
  type?: 'text' | 'email';
  autoComplete: string;
  submit: string;
  emailLabel?: string;
  failure: string;
  send: (value: string, email: string, password: string) => Promise<Outcome>;
  success: (value: string) => string;
}) {
  const app = useApp();
  const [step, setStep] = useState<1 | 2>(1);
  const [value, setValue] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, run] = useBusy();
  const first = useRef<HTMLInputElement>(null);
  const relogin = useRelogin();
  useFocusOnReturn(step === 1, first);
  const back = () => {
    setPassword('');
    setStep(1);
  };
  const confirm = () =>
    run(async () => {
      const outcome = await props.send(value, email, password);
      if (!outcome.ok) {
        app.flash.add(props.failure);
        back();
        return;
      }
      await relogin(props.success(value));
    });
  return step === 1 ? (
    <Form busy={busy} onSubmit={() => setStep(2)} testid={`${props.testid}/form`}>
      <TextField label={props.label} type={props.type} autoComplete={props.autoComplete} value={value} onValue={setValue} inputRef={first} testid={props.inputTestid} />
      <button type="submit" class={BUTTON}>
        {props.submit}
      </button>
    </Form>
  ) : (
    <ConfirmCredentials
      busy={busy}
      email={email}
      password={password}
      onEmail={setEmail}
      onPassword={setPassword}
      onConfirm={confirm}
      onCancel={back}
      emailLabel={props.emailLabel}
    />
  );
}

/** §1.4 / §4.3: a name, then the creator's credentials; the new account's key needs a fresh login. */
export function CreateAccount() {
  const app = useApp();
  const s = app.s.createAccount;
  return (
    <TwoStepChange
      testid="console/create-account"
      inputTestid="console/create-account/name-input"
      label={s.name}
      autoComplete="off"
      submit={s.submit}
      failure={s.failure}
      send={(accountName, emailAddress, password) => app.vault.createAccount({ accountName, emailAddress, password })}
      success={(account) => format(s.success, { account })}
    />
  );
}

/** §1.4: the new address, then the current address and password. */
export function ChangeEmail() {
  const app = useApp();
  const s = app.s.changeEmail;
  return (
    <TwoStepChange
      testid="console/change-email"
      inputTestid="console/change-email/new-email-input"
      label={s.newEmail}
      type="email"
      autoComplete="email"
      submit={s.submit}
      emailLabel={s.currentEmail}
      failure={s.failure}
      send={(emailAddress, emailCurrent, password) => app.vault.changeEmail({ emailAddress, emailCurrent, password })}
      success={() => s.success}
    />
  );
}

/** §1.4: current password, new password (policy, strength), repeated; the hooks of §7. */
export function ChangePassword() {
  const app = useApp();
  const s = app.s;
  const [current, setCurrent] = useState('');
  const password = useNewPassword('console/reset-password/new-password-input', 'console/reset-password/new-password-repeat');
  const [busy, run] = useBusy();
  const relogin = useRelogin();
  const submit = () => {
    if (!password.check()) return;
    run(async () => {
      const outcome = await app.vault.changePassword({ currentPassword: current, changedPassword: password.value });
      if (!outcome.ok) {
        app.flash.add(s.changePassword.failure);
        setCurrent('');
        return;
      }
      await relogin(s.changePassword.success);
    });
  };
  return (
    <Form busy={busy} onSubmit={submit} testid="console/reset-password/form">
      <TextField
        label={s.forms.currentPassword}
        type="password"
        autoComplete="current-password"
        value={current}
        onValue={setCurrent}
        testid="console/reset-password/current-password-input"
      />
      <NewPasswordFields label={s.forms.newPassword} repeatLabel={s.forms.repeatNewPassword} {...password.fields} />
      <button type="submit" class={BUTTON}>
        {s.changePassword.submit}
      </button>
    </Form>
  );
}

/** §1.4 Logout (D8). */
export function Logout() {
  const app = useApp();
  const s = app.s.logout;
  const [busy, run] = useBusy();
  return (
    <button
      type="button"
      class={BUTTON}
      disabled={busy}
      data-testid="console/logout"
      onClick={() =>
        run(async () => {
          const outcome = await app.session.logOut();
          if (!outcome.ok) {
            app.flash.add(s.failure);
            return;
          }
          app.flash.add(s.success);
          app.navigate('/login/');
        })
      }
    >
      {s.submit}
    </button>
  );
}
