// Form building blocks with labels, hints and errors wired for assistive technology (label for, aria-describedby,
// aria-invalid), and the two-step "confirm with your credentials" form of dashboard.md §1.4 and §4.2.
import type { ComponentChildren, JSX, Ref } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { useApp } from '../context.ts';
import { consumeHeadingFocus } from '../focus.ts';
import { format } from '../locale.ts';
import { passwordProblem, passwordStrength } from '../password.ts';

export const BUTTON = 'pointer f6 br2 ba ph3 pv2 mr2 mb2 dib white bg-dark-green b--dark-green';
export const BUTTON_SECONDARY = 'pointer f6 br2 ba ph3 pv2 mr2 mb2 dib dark-green bg-white b--dark-green';
export const BUTTON_DANGER = 'pointer f6 br2 ba ph3 pv2 mr2 mb2 dib white';
/**
 * Tachyons' dark-red (#e7040f) misses the 4.5:1 contrast of WCAG AA on near-white; this red passes on white,
 * near-white and as a background behind white text.
 */
export const DANGER_COLOR = '#a3000b';
export const DANGER_TEXT = { color: DANGER_COLOR };
export const DANGER_FILL = { backgroundColor: DANGER_COLOR, borderColor: DANGER_COLOR };
const INPUT = 'input-reset ba b--black-30 br2 pa2 mb1 db w-100 f6 bg-white near-black';

/** The screen's <h1>; takes the focus after a client-side navigation (focus.ts). */
export function Heading({ children }: { children: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (consumeHeadingFocus()) ref.current?.focus();
  }, []);
  return (
    <h1 ref={ref} tabIndex={-1} class="f3 fw6 mt4 mb3 near-black">
      {children}
    </h1>
  );
}

export interface TextFieldProps {
  label: string;
  value: string;
  onValue: (value: string) => void;
  type?: 'text' | 'email' | 'password';
  autoComplete?: string;
  required?: boolean;
  disabled?: boolean;
  testid?: string;
  hint?: ComponentChildren;
  error?: string | null;
  inputRef?: Ref<HTMLInputElement>;
  name?: string;
}

export function TextField(props: TextFieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [props.hint ? hintId : '', props.error ? errorId : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class="mb3">
      <label for={id} class="db f6 fw6 mb1 near-black">
        {props.label}
      </label>
      <input
        id={id}
        ref={props.inputRef}
        class={INPUT}
        type={props.type ?? 'text'}
        name={props.name}
        value={props.value}
        onInput={(event) => props.onValue(event.currentTarget.value)}
        autoComplete={props.autoComplete}
        required={props.required ?? true}
        disabled={props.disabled}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy}
        data-testid={props.testid}
      />
      {props.hint ? (
        <div id={hintId} class="f6 mid-gray">
          {props.hint}
        </div>
      ) : null}
      {props.error ? (
        <div id={errorId} class="f6 mt1" style={DANGER_TEXT}>
          {props.error}
        </div>
      ) : null}
    </div>
  );
}

export function Checkbox(props: { label: string; checked: boolean; onChecked: (checked: boolean) => void; disabled?: boolean; hint?: string }) {
  const id = useId();
  return (
    <div class="mb3">
      <input
        id={id}
        type="checkbox"
        class="mr2"
        checked={props.checked}
        disabled={props.disabled}
        onChange={(event) => props.onChecked(event.currentTarget.checked)}
        aria-describedby={props.hint ? `${id}-hint` : undefined}
      />
      <label for={id} class="f6 fw6 near-black">
        {props.label}
      </label>
      {props.hint ? (
        <div id={`${id}-hint`} class="f6 mid-gray mt1">
          {props.hint}
        </div>
      ) : null}
    </div>
  );
}

export type NewPasswordError = 'tooShort' | 'tooLong' | 'mismatch' | null;

/** dashboard.md §1.9 and D9: the policy first, then the repeated password. */
export function newPasswordError(password: string, repeat: string): NewPasswordError {
  return passwordProblem(password) ?? (password === repeat ? null : 'mismatch');
}

/** New password (policy hint, live strength label) and its repetition. */
export function NewPasswordFields(props: {
  label: string;
  repeatLabel: string;
  value: string;
  repeat: string;
  onValue: (value: string) => void;
  onRepeat: (value: string) => void;
  error: NewPasswordError;
  disabled?: boolean;
  testid?: string;
  repeatTestid?: string;
  inputRef?: Ref<HTMLInputElement>;
  repeatRef?: Ref<HTMLInputElement>;
}) {
  const { s } = useApp();
  const f = s.forms;
  const labels = [f.strengthWeak, f.strengthLow, f.strengthOk, f.strengthStrong, f.strengthVeryStrong];
  const policyError = props.error === 'tooShort' ? f.passwordTooShort : props.error === 'tooLong' ? f.passwordTooLong : null;
  return (
    <>
      <TextField
        label={props.label}
        type="password"
        autoComplete="new-password"
        value={props.value}
        onValue={props.onValue}
        disabled={props.disabled}
        testid={props.testid}
        inputRef={props.inputRef}
        error={policyError}
        hint={
          <>
            {f.passwordHint}{' '}
            {props.value ? <span aria-live="polite">{format(f.strength, { strength: labels[passwordStrength(props.value)] })}</span> : null}
          </>
        }
      />
      <TextField
        label={props.repeatLabel}
        type="password"
        autoComplete="new-password"
        value={props.repeat}
        onValue={props.onRepeat}
        disabled={props.disabled}
        testid={props.repeatTestid}
        inputRef={props.repeatRef}
        error={props.error === 'mismatch' ? f.passwordsMismatch : null}
      />
    </>
  );
}

/**
 * State of a new-password pair: `check()` applies the policy and the repetition (D9), flashes a mismatch and
 * moves the focus to the field at fault; `fields` spreads into NewPasswordFields.
 */
export function useNewPassword(testid: string, repeatTestid: string) {
  const app = useApp();
  const [value, setValue] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<NewPasswordError>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const repeatRef = useRef<HTMLInputElement>(null);
  const check = (): boolean => {
    const problem = newPasswordError(value, repeat);
    setError(problem);
    if (!problem) return true;
    if (problem === 'mismatch') app.flash.add(app.s.forms.passwordsMismatch);
    (problem === 'mismatch' ? repeatRef : inputRef).current?.focus();
    return false;
  };
  return {
    value,
    check,
    fields: { value, repeat, onValue: setValue, onRepeat: setRepeat, error, testid, repeatTestid, inputRef, repeatRef },
  };
}

/** A form that disables its fields while `busy`; submit handlers get the event already prevented. */
export function Form(props: { onSubmit: () => void; busy: boolean; children: ComponentChildren; testid?: string; label?: string; class?: string }) {
  return (
    <form
      class={props.class ?? 'mw6'}
      data-testid={props.testid}
      aria-label={props.label}
      aria-busy={props.busy ? 'true' : undefined}
      onSubmit={(event: JSX.TargetedEvent<HTMLFormElement>) => {
        event.preventDefault();
        if (!props.busy) props.onSubmit();
      }}
    >
      <fieldset disabled={props.busy} class="bn pa0 ma0">
        {props.children}
      </fieldset>
    </form>
  );
}

/** Step 2 of share / create / change email (dashboard.md §1.4, §4.2): your email and password, Confirm / Cancel. */
export function ConfirmCredentials(props: {
  busy: boolean;
  email: string;
  password: string;
  onEmail: (value: string) => void;
  onPassword: (value: string) => void;
  onConfirm: () => void;
  onCancel: () => void;
  emailLabel?: string;
}) {
  const { s } = useApp();
  const first = useRef<HTMLInputElement>(null);
  // The step replaces the form the user just submitted: move the focus into it.
  useEffect(() => first.current?.focus(), []);
  return (
    <Form busy={props.busy} onSubmit={props.onConfirm}>
      <p class="f6 near-black">{s.forms.confirmHint}</p>
      <TextField label={props.emailLabel ?? s.forms.email} type="email" autoComplete="username" value={props.email} onValue={props.onEmail} inputRef={first} />
      <TextField label={s.forms.password} type="password" autoComplete="current-password" value={props.password} onValue={props.onPassword} />
      <button type="submit" class={BUTTON}>
        {s.forms.confirm}
      </button>
      <button type="button" class={BUTTON_SECONDARY} onClick={props.onCancel}>
        {s.forms.cancel}
      </button>
    </Form>
  );
}

/** A titled panel with an h2. */
export function Panel(props: { title: string; children: ComponentChildren; testid?: string }) {
  const id = useId();
  return (
    <section class="bg-white br2 ba b--black-10 pa3 mb3" aria-labelledby={id} data-testid={props.testid}>
      <h2 id={id} class="f4 fw6 mt0 mb3 near-black">
        {props.title}
      </h2>
      {props.children}
    </section>
  );
}

/**
 * A collapsible section (dashboard.md §1.3: starts collapsed, opens on click or Enter): a native
 * <details>/<summary>, which keyboards and screen readers already know.
 */
export function Collapsible(props: { title: string; children: ComponentChildren; testid?: string; level?: 2 | 3; open?: boolean }) {
  const HeadingTag = props.level === 3 ? 'h3' : 'h2';
  return (
    <details class="bg-white br2 ba b--black-10 mb3" open={props.open}>
      <summary class="pointer pa3" data-testid={props.testid}>
        <HeadingTag class={`dib ma0 fw6 near-black ${props.level === 3 ? 'f5' : 'f4'}`}>{props.title}</HeadingTag>
      </summary>
      <div class="ph3 pb3">{props.children}</div>
    </details>
  );
}
