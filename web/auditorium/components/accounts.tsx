// Account-level pieces shared by the console and the operator dashboard: the account picker
// (dashboard.md §1.3 item 2), the embed code (§1.3 item 9), sharing one or all accounts (§4.2, D2) and retiring
// an account (§4.4). Each renders under a heading its container provides.
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { LoginResult } from '../../shared/protocol.ts';
import { useApp } from '../context.ts';
import { useBusy } from '../hooks.ts';
import { format } from '../locale.ts';
import { sortedAccounts } from '../session.ts';
import { BUTTON, BUTTON_DANGER, BUTTON_SECONDARY, Checkbox, ConfirmCredentials, DANGER_FILL, DANGER_TEXT, Form, TextField } from './fields.tsx';
import { Link } from './link.tsx';
import { copyText } from './copy.ts';

export type Account = LoginResult['accounts'][number];

/** A section heading at the level its container needs (h2 in a screen, h4 inside an account's h3). */
export function Section(props: { title: string; level: 2 | 3 | 4; children: ComponentChildren; testid?: string }) {
  const id = useId();
  const Tag = (['h2', 'h3', 'h4'] as const)[props.level - 2];
  const size = ['f4', 'f5', 'f6'][props.level - 2];
  return (
    <section class="mb4" aria-labelledby={id} data-testid={props.testid}>
      <Tag id={id} class={`${size} fw6 mt0 mb2 near-black`}>
        {props.title}
      </Tag>
      {props.children}
    </section>
  );
}

/**
 * The user's accounts, alphabetically, each linking to its dashboard. `current` is highlighted (aria-current);
 * `keepQuery` keeps the current query parameters (range, filter, … on the dashboard, §1.3).
 */
export function AccountPicker(props: { login: LoginResult; current?: string; keepQuery?: boolean }) {
  const app = useApp();
  const accounts = sortedAccounts(props.login);
  if (accounts.length === 0) return <p data-testid="account-picker/empty">{app.s.console.noAccounts}</p>;
  const query = props.keepQuery ? app.place.search : '';
  return (
    <ul class="list pl0 ma0" data-testid="account-picker">
      {accounts.map((account) => {
        const current = account.accountId === props.current;
        return (
          <li key={account.accountId} class="dib mr2 mb2">
            <Link
              to={`/auditorium/${encodeURIComponent(account.accountId)}/${query}`}
              class={`dib ph3 pv2 br2 ba no-underline ${current ? 'white bg-dark-green b--dark-green' : 'dark-green bg-white b--dark-green'}`}
              aria-current={current ? 'page' : undefined}
            >
              {account.accountName || account.accountId}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}

export function embedSnippet(origin: string, accountId: string): string {
  return `<script async src="${origin}/script.js" data-account-id="${accountId}"></script>`;
}

/** The embed code of one account with a Copy button (§1.3 item 9). */
export function EmbedCode({ account }: { account: Account }) {
  const app = useApp();
  const s = app.s.embed;
  const id = useId();
  const area = useRef<HTMLTextAreaElement>(null);
  const snippet = embedSnippet(app.origin, account.accountId);
  return (
    <div data-testid="embed-code">
      <p class="f6 mt0">{s.intro}</p>
      <label for={id} class="clip">
        {format(s.label, { account: account.accountName || account.accountId })}
      </label>
      <textarea
        id={id}
        ref={area}
        readOnly
        rows={3}
        class="db w-100 code f7 pa2 ba b--black-20 br2 bg-near-white near-black mb2"
        value={snippet}
        data-testid="embed-code/snippet"
        onFocus={(event) => event.currentTarget.select()}
      />
      <button
        type="button"
        class={BUTTON}
        data-testid="embed-code/copy"
        onClick={async () => app.flash.add((await copyText(snippet, area.current)) ? s.copied : s.copyFailed)}
      >
        {s.copy}
      </button>
      <p class="f6 mid-gray">{s.domainHint}</p>
    </div>
  );
}

/**
 * Share one account (`account` given) or all of the inviter's accounts (§4.2): invitee and admin flag, then the
 * inviter's own credentials. D2: the server never demotes an existing invitee.
 */
export function ShareAccount({ account }: { account?: Account }) {
  const app = useApp();
  const s = app.s.share;
  const [step, setStep] = useState<1 | 2>(1);
  const [invitee, setInvitee] = useState('');
  const [grantAdmin, setGrantAdmin] = useState(false);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, run] = useBusy();
  const first = useRef<HTMLInputElement>(null);
  const backToStep1 = () => {
    setPassword('');
    setStep(1);
  };
  useFocusOnReturn(step === 1, first);

  const confirm = () => {
    // §4.2: the client-side check compares the invitee with the confirming email.
    if (invitee.trim() === email.trim()) {
      app.flash.add(s.self);
      return;
    }
    run(async () => {
      const outcome = await app.vault.shareAccount({
        invitee,
        emailAddress: email,
        password,
        urlTemplate: `${app.origin}/join/{token}/`,
        ...(account ? { accountId: account.accountId } : {}),
        grantAdminPrivileges: grantAdmin,
      });
      if (!outcome.ok) {
        app.flash.add(s.failure);
        backToStep1();
        return;
      }
      app.flash.add(format(s.success, { email: invitee }));
      setInvitee('');
      setGrantAdmin(false);
      backToStep1();
    });
  };

  return (
    <div data-testid={account ? 'share-account' : 'share-all-accounts'}>
      <p class="f6 mt0">{account ? format(s.introOne, { account: account.accountName }) : s.introAll}</p>
      {step === 1 ? (
        <Form busy={busy} onSubmit={() => setStep(2)}>
          <TextField label={s.invitee} type="email" autoComplete="off" value={invitee} onValue={setInvitee} inputRef={first} testid="share/invitee-input" />
          <Checkbox label={s.grantAdmin} checked={grantAdmin} onChecked={setGrantAdmin} hint={s.grantAdminHint} />
          <button type="submit" class={BUTTON}>
            {s.submit}
          </button>
        </Form>
      ) : (
        <ConfirmCredentials busy={busy} email={email} password={password} onEmail={setEmail} onPassword={setPassword} onConfirm={confirm} onCancel={backToStep1} />
      )}
    </div>
  );
}

/** After a two-step flow goes back to step 1, the focus goes to its first field (the previous one is gone). */
export function useFocusOnReturn(active: boolean, target: { current: HTMLElement | null }) {
  const wasInactive = useRef(false);
  useEffect(() => {
    if (active && wasInactive.current) target.current?.focus();
    wasInactive.current = !active;
  }, [active]);
}

/** Retire an account (§4.4): a warning, then the account's exact name enables Confirm. Logs out afterwards. */
export function RetireAccount({ account }: { account: Account }) {
  const app = useApp();
  const s = app.s.retire;
  const [step, setStep] = useState<1 | 2>(1);
  const [typed, setTyped] = useState('');
  const [busy, run] = useBusy();
  const input = useRef<HTMLInputElement>(null);
  const start = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (step === 2) input.current?.focus();
  }, [step]);
  useFocusOnReturn(step === 1, start);

  const confirm = () =>
    run(async () => {
      const outcome = await app.vault.retireAccount({ accountId: account.accountId });
      if (!outcome.ok) {
        app.flash.add(s.failure);
        return;
      }
      // §4.4: "Log in again to continue": the stored session still lists the retired account.
      await app.session.logOut();
      app.flash.add(format(s.success, { account: account.accountName }));
      app.navigate('/login/');
    });

  return (
    <div data-testid="retire-account">
      <p class="f6 mt0">{format(s.intro, { account: account.accountName })}</p>
      <p class="f6 fw6" style={DANGER_TEXT}>
        {s.danger}
      </p>
      {step === 1 ? (
        <button type="button" ref={start} class={BUTTON_DANGER} style={DANGER_FILL} onClick={() => setStep(2)} data-testid="retire-account/start">
          {s.submit}
        </button>
      ) : (
        <Form busy={busy} onSubmit={() => typed === account.accountName && confirm()}>
          <TextField
            label={format(s.confirmLabel, { account: account.accountName })}
            value={typed}
            onValue={setTyped}
            autoComplete="off"
            inputRef={input}
            testid="retire-account/name-input"
          />
          <button type="submit" class={BUTTON_DANGER} style={DANGER_FILL} disabled={typed !== account.accountName} data-testid="retire-account/confirm">
            {app.s.forms.confirm}
          </button>
          <button
            type="button"
            class={BUTTON_SECONDARY}
            onClick={() => {
              setTyped('');
              setStep(1);
            }}
          >
            {app.s.forms.cancel}
          </button>
        </Form>
      )}
    </div>
  );
}
