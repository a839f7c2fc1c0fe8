// The console's own-credential and account-creation flows (dashboard.md §1.4, §4.3, §4.5). Every change of
// credentials ends the session (the server clears the auth cookie; D8: LOGOUT also drops the vault's KEKs), then
// the user goes to /login/ with a flash that says why.
import { useRef, useState } from 'preact/hooks';
import { useApp } from '../context.ts';
import { useBusy } from '../hooks.ts';
import { format } from '../locale.ts';
import { useFocusOnReturn } from './accounts.tsx';
import { BUTTON, ConfirmCredentials, Form, NewPasswordFields, TextField, newPasswordError, type NewPasswordError } from './fields.tsx';

/** Ends the client session and goes to /login/ with `message`. A failed LOGOUT is fine: the cookie may be gone already. */
function useRelogin() {
  const app = useApp();
  return async (message: string) => {
    await app.session.logOut();
    app.flash.add(message);
    app.navigate('/login/');
  };
}

/** §1.4 / §4.3: a name, then the creator's credentials; the new account's key needs a fresh login. */
export function CreateAccount() {
  const app = useApp();
  const s = app.s.createAccount;
  const [step, setStep] = useState<1 | 2>(1);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, run] = useBusy();
  const first = useRef<HTMLInputElement>(null);
  const relogin = useRelogin();
  useFocusOnReturn(step === 1, first);
  const confirm = () =>
    run(async () => {
      const outcome = await app.vault.createAccount({ accountName: name, emailAddress: email, password });
      if (!outcome.ok) {
        app.flash.add(s.failure);
        setPassword('');
        setStep(1);
        return;
      }
      await relogin(format(s.success, { account: name }));
    });
  return step === 1 ? (
    <Form busy={busy} onSubmit={() => setStep(2)} testid="console/create-account/form">
      <TextField label={s.name} value={name} onValue={setName} autoComplete="off" inputRef={first} testid="console/create-account/name-input" />
      <button type="submit" class={BUTTON}>
        {s.submit}
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
      onCancel={() => {
        setPassword('');
        setStep(1);
      }}
    />
  );
}

/** §1.4: the new address, then the current address and password. */
export function ChangeEmail() {
  const app = useApp();
  const s = app.s.changeEmail;
  const [step, setStep] = useState<1 | 2>(1);
  const [newEmail, setNewEmail] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, run] = useBusy();
  const first = useRef<HTMLInputElement>(null);
  const relogin = useRelogin();
  useFocusOnReturn(step === 1, first);
  const confirm = () =>
    run(async () => {
      const outcome = await app.vault.changeEmail({ emailAddress: newEmail, emailCurrent: email, password });
      if (!outcome.ok) {
        app.flash.add(s.failure);
        setPassword('');
        setStep(1);
        return;
      }
      await relogin(s.success);
    });
  return step === 1 ? (
    <Form busy={busy} onSubmit={() => setStep(2)} testid="console/change-email/form">
      <TextField label={s.newEmail} type="email" autoComplete="email" value={newEmail} onValue={setNewEmail} inputRef={first} testid="console/change-email/new-email-input" />
      <button type="submit" class={BUTTON}>
        {s.submit}
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
      onCancel={() => {
        setPassword('');
        setStep(1);
      }}
      emailLabel={s.currentEmail}
    />
  );
}

/** §1.4: current password, new password (policy, strength), repeated; the hooks of §7. */
export function ChangePassword() {
  const app = useApp();
  const s = app.s;
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<NewPasswordError>(null);
  const [busy, run] = useBusy();
  const passwordInput = useRef<HTMLInputElement>(null);
  const repeatInput = useRef<HTMLInputElement>(null);
  const relogin = useRelogin();
  const submit = () => {
    const problem = newPasswordError(password, repeat);
    setError(problem);
    if (problem) {
      if (problem === 'mismatch') app.flash.add(s.forms.passwordsMismatch);
      (problem === 'mismatch' ? repeatInput : passwordInput).current?.focus();
      return;
    }
    run(async () => {
      const outcome = await app.vault.changePassword({ currentPassword: current, changedPassword: password });
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
      <NewPasswordFields
        label={s.forms.newPassword}
        repeatLabel={s.forms.repeatNewPassword}
        value={password}
        repeat={repeat}
        onValue={setPassword}
        onRepeat={setRepeat}
        error={error}
        testid="console/reset-password/new-password-input"
        repeatTestid="console/reset-password/new-password-repeat"
        inputRef={passwordInput}
        repeatRef={repeatInput}
      />
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
