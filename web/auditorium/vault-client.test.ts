import { describe, expect, it } from 'vitest';
import type { Reply, Request } from '../shared/protocol.ts';
import { createVaultClient, createVaultFrame, postThroughChannel, vaultUrl, VaultError, type Post, type PostOptions } from './vault-client.ts';

/** A stand-in for the vault window: answers on the transferred port like vault/router.ts does. */
function fakeVault(answer: (message: Request) => Array<Reply | null>) {
  const calls: Array<{ message: Request; targetOrigin: string }> = [];
  const target = {
    postMessage(message: Request, targetOrigin: string, transfer: Transferable[]) {
      calls.push({ message, targetOrigin });
      const port = transfer[0] as MessagePort;
      for (const reply of answer(message)) port.postMessage(reply);
    },
  } as unknown as Window;
  return { target, calls };
}

describe('vaultUrl (clients-and-crypto.md §1.1)', () => {
  it('is /vault on the same origin, with ?locale= only when the page has one', () => {
    expect(vaultUrl('https://offen.example.test:8443', null)).toBe('https://offen.example.test:8443/vault');
    expect(vaultUrl('https://offen.example.test', 'de')).toBe('https://offen.example.test/vault?locale=de');
  });
});

describe('postThroughChannel (§1.2)', () => {
  it('posts to the vault origin only, ignores STYLES and resolves with the first other reply', async () => {
    const vault = fakeVault(() => [
      { type: 'STYLES', payload: { styles: 'x' } },
      { type: 'LOGIN_SUCCESS', payload: { accountUserId: 'u' } },
      { type: 'LOGIN_FAILURE', payload: { message: 'late' } },
    ]);
    const reply = await postThroughChannel(vault.target, 'https://offen.example.test', { type: 'LOGIN', payload: { credentials: null } });
    expect(reply).toEqual({ type: 'LOGIN_SUCCESS', payload: { accountUserId: 'u' } });
    expect(vault.calls).toEqual([{ message: { type: 'LOGIN', payload: { credentials: null } }, targetOrigin: 'https://offen.example.test' }]);
  });

  it('rejects an ERROR reply with a VaultError that keeps the vault-side stack', async () => {
    const vault = fakeVault(() => [{ type: 'ERROR', payload: { error: 'boom', stack: 'Error: boom\n    at vault' } }]);
    const error = await postThroughChannel(vault.target, 'https://o.test', { type: 'QUERY', payload: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VaultError);
    expect((error as VaultError).message).toBe('boom');
    expect((error as VaultError).originalStack).toBe('Error: boom\n    at vault');
  });

  it('hands QUERY_PROGRESS to onProgress, in order, and settles on the final reply (contract 3)', async () => {
    const vault = fakeVault(() => [
      { type: 'QUERY_PROGRESS', payload: { done: 0, total: 3 } },
      { type: 'STYLES', payload: {} },
      { type: 'QUERY_PROGRESS', payload: { done: 2, total: 3 } },
      { type: 'QUERY_PROGRESS', payload: { done: 'x', total: 3 } },
      { type: 'QUERY_SUCCESS', payload: { query: null, result: { events: [] } } },
      { type: 'QUERY_PROGRESS', payload: { done: 3, total: 3 } },
    ]);
    const seen: Array<{ done: number; total: number }> = [];
    const reply = await postThroughChannel(vault.target, 'https://o.test', { type: 'QUERY', payload: { progress: true } }, { onProgress: (p) => seen.push(p) });
    expect(reply.type).toBe('QUERY_SUCCESS');
    // Malformed progress is dropped; nothing after the final reply arrives (the port is closed).
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([
      { done: 0, total: 3 },
      { done: 2, total: 3 },
    ]);
  });

  it('never settles on QUERY_PROGRESS, even without a listener', async () => {
    const vault = fakeVault(() => [
      { type: 'QUERY_PROGRESS', payload: { done: 1, total: 2 } },
      { type: 'ERROR', payload: { error: 'failed late' } },
    ]);
    await expect(postThroughChannel(vault.target, 'https://o.test', { type: 'QUERY', payload: {} })).rejects.toThrow('failed late');
  });

  it('turns a null reply into an empty type, which no typed call accepts', async () => {
    const vault = fakeVault(() => [null]);
    expect(await postThroughChannel(vault.target, 'https://o.test', { type: 'X', payload: null })).toEqual({ type: '', payload: null });
  });
});

describe('createVaultClient (§1.4)', () => {
  const client = (reply: (message: Request) => Reply) => {
    const sent: Request[] = [];
    const post: Post = async (message) => {
      sent.push(message);
      return reply(message);
    };
    return { vault: createVaultClient(post), sent };
  };

  it('maps T_SUCCESS and T_FAILURE of the generic rule to outcomes', async () => {
    const { vault, sent } = client((m) =>
      m.type === 'LOGIN'
        ? { type: 'LOGIN_SUCCESS', payload: { accountUserId: 'u', adminLevel: 1, accounts: [] } }
        : { type: `${m.type}_FAILURE`, payload: { message: 'bad credentials' } },
    );
    expect(await vault.login({ username: 'a@b.test', password: 'pw' })).toEqual({ ok: true, value: { accountUserId: 'u', adminLevel: 1, accounts: [] } });
    expect(await vault.changePassword({ currentPassword: 'a', changedPassword: 'b' })).toEqual({ ok: false, message: 'bad credentials' });
    expect(sent).toEqual([
      { type: 'LOGIN', payload: { credentials: { username: 'a@b.test', password: 'pw' } } },
      { type: 'CHANGE_CREDENTIALS', payload: { currentPassword: 'a', changedPassword: 'b' } },
    ]);
  });

  it('sends the payloads of the message catalogue', async () => {
    const { vault, sent } = client((m) => ({ type: `${m.type}_SUCCESS`, payload: null }));
    await vault.login(null);
    await vault.changeEmail({ emailAddress: 'new@b.test', emailCurrent: 'old@b.test', password: 'pw' });
    await vault.shareAccount({ invitee: 'i@b.test', emailAddress: 'a@b.test', password: 'pw', urlTemplate: 'https://o.test/join/{token}/', grantAdminPrivileges: true });
    await vault.updateAccountStyles({ accountId: 'acc', accountStyles: '.a{}', dryRun: true });
    await vault.retireAccount({ accountId: 'acc' });
    expect(sent.map((m) => [m.type, m.payload])).toEqual([
      ['LOGIN', { credentials: null }],
      ['CHANGE_CREDENTIALS', { emailAddress: 'new@b.test', emailCurrent: 'old@b.test', password: 'pw' }],
      ['SHARE_ACCOUNT', { invitee: 'i@b.test', emailAddress: 'a@b.test', password: 'pw', urlTemplate: 'https://o.test/join/{token}/', grantAdminPrivileges: true }],
      ['UPDATE_ACCOUNT_STYLES', { accountId: 'acc', accountStyles: '.a{}', dryRun: true }],
      ['RETIRE_ACCOUNT', { accountId: 'acc' }],
    ]);
  });

  it('reads the special replies of SETUP_STATUS, CONSENT_STATUS, ONBOARDING_STATUS and QUERY/PURGE', async () => {
    let setup = 'SETUP_STATUS_EMPTY';
    const { vault } = client((m) => {
      switch (m.type) {
        case 'SETUP_STATUS':
          return { type: setup, payload: null };
        case 'CONSENT_STATUS':
          return { type: 'CONSENT_STATUS_SUCCESS', payload: { status: 'allow', allowsCookies: true } };
        case 'ONBOARDING_STATUS':
          return { type: 'ONBOARDING_STATUS', payload: { status: true } };
        default:
          return { type: 'QUERY_SUCCESS', payload: { query: m.payload, result: { events: [] } } };
      }
    });
    expect(await vault.setupStatus()).toBe('EMPTY');
    setup = 'SETUP_STATUS_HASDATA';
    expect(await vault.setupStatus()).toBe('HASDATA');
    expect(await vault.consentStatus()).toEqual({ status: 'allow', allowsCookies: true });
    expect(await vault.onboardingStatus()).toBe(true);
    expect(await vault.query({ query: { accountId: 'a' } })).toEqual({ query: { query: { accountId: 'a' } }, result: { events: [] } });
    expect((await vault.purge()).result).toEqual({ events: [] });
  });

  it('passes the progress flag and the onProgress listener of query() to the post function', async () => {
    const calls: Array<{ message: Request; options: PostOptions | undefined }> = [];
    const post: Post = async (message, options) => {
      calls.push({ message, options });
      options?.onProgress?.({ done: 1, total: 1 });
      return { type: 'QUERY_SUCCESS', payload: { query: null, result: 42 } };
    };
    const seen: unknown[] = [];
    const onProgress = (p: { done: number; total: number }) => seen.push(p);
    const vault = createVaultClient(post);
    expect((await vault.query({ query: { accountId: 'a', range: '7' }, progress: true }, { onProgress })).result).toBe(42);
    expect(calls[0].message).toEqual({ type: 'QUERY', payload: { query: { accountId: 'a', range: '7' }, progress: true } });
    expect(calls[0].options?.onProgress).toBe(onProgress);
    expect(seen).toEqual([{ done: 1, total: 1 }]);
  });

  it('throws a VaultError for a reply the protocol does not allow', async () => {
    const { vault } = client(() => ({ type: 'SOMETHING_ELSE', payload: null }));
    await expect(vault.login(null)).rejects.toThrow(new VaultError('Unexpected reply "SOMETHING_ELSE" to LOGIN.'));
    await expect(vault.setupStatus()).rejects.toBeInstanceOf(VaultError);
    await expect(vault.consentStatus()).rejects.toBeInstanceOf(VaultError);
  });
});

describe('createVaultFrame', () => {
  it('adds one hidden, titled iframe and posts to its window with the vault origin and the iframe selector as host', async () => {
    const listeners: Record<string, () => void> = {};
    const received: Array<{ message: Request; targetOrigin: string }> = [];
    const frame = {
      hidden: false,
      title: '',
      src: '',
      id: '',
      tabIndex: 0,
      attributes: {} as Record<string, string>,
      setAttribute(name: string, value: string) {
        this.attributes[name] = value;
      },
      addEventListener(type: string, listener: () => void) {
        listeners[type] = listener;
      },
      contentWindow: {
        postMessage(message: Request, targetOrigin: string, transfer: Transferable[]) {
          received.push({ message, targetOrigin });
          (transfer[0] as MessagePort).postMessage({ type: 'SETUP_STATUS_EMPTY', payload: null });
        },
      },
    };
    const appended: unknown[] = [];
    const doc = { createElement: () => frame, body: { appendChild: (node: unknown) => appended.push(node) } } as unknown as Document;
    const ready = createVaultFrame('https://offen.example.test/vault?locale=fr', doc);
    expect(appended).toEqual([frame]);
    expect(frame).toMatchObject({ hidden: true, title: 'Offen Vault', src: 'https://offen.example.test/vault?locale=fr', tabIndex: -1 });
    expect(frame.id).toMatch(/^offen-vault-[0-9a-z]+$/);
    listeners.load();
    const reply = await (await ready)({ type: 'SETUP_STATUS', payload: null });
    expect(reply.type).toBe('SETUP_STATUS_EMPTY');
    expect(received).toEqual([{ message: { type: 'SETUP_STATUS', payload: null, host: `#${frame.id}` }, targetOrigin: 'https://offen.example.test' }]);
  });

  /** The iframe the server's index page declares (Pages.cs), as the page has it when the script runs. */
  function declaredFrame(src: string, document: { readyState: string; URL: string }) {
    const listeners: Record<string, () => void> = {};
    const received: Request[] = [];
    const frame = {
      tagName: 'IFRAME',
      id: 'offen-vault',
      src,
      contentDocument: document,
      addEventListener(type: string, listener: () => void) {
        listeners[type] = listener;
      },
      contentWindow: {
        postMessage(message: Request, _origin: string, transfer: Transferable[]) {
          received.push(message);
          (transfer[0] as MessagePort).postMessage({ type: 'SETUP_STATUS_EMPTY', payload: null });
        },
      },
    };
    const created: unknown[] = [];
    const doc = {
      getElementById: (id: string) => (id === 'offen-vault' ? frame : null),
      createElement: () => {
        const other = { setAttribute() {}, addEventListener() {} };
        created.push(other);
        return other;
      },
      body: { appendChild() {} },
    } as unknown as Document;
    return { frame, listeners, received, created, doc };
  }

  it('adopts the declared frame that has loaded the same URL, without waiting or adding another', async () => {
    const url = 'https://offen.example.test/vault?locale=de';
    const { doc, created, received } = declaredFrame(url, { readyState: 'complete', URL: url });
    const post = await createVaultFrame(url, doc);
    await post({ type: 'SETUP_STATUS', payload: null });
    expect(created).toEqual([]);
    expect(received).toEqual([{ type: 'SETUP_STATUS', payload: null, host: '#offen-vault' }]);
  });

  it('waits for the declared frame\'s load while it still shows the initial about:blank', async () => {
    const url = 'https://offen.example.test/vault';
    const { doc, created, listeners } = declaredFrame(url, { readyState: 'complete', URL: 'about:blank' });
    let done = false;
    const ready = createVaultFrame(url, doc).then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    listeners.load!();
    await ready;
    expect(done).toBe(true);
    expect(created).toEqual([]);
  });

  it('creates its own frame when the declared one loads another URL', () => {
    const { doc, created } = declaredFrame('https://offen.example.test/vault', { readyState: 'complete', URL: 'https://offen.example.test/vault' });
    void createVaultFrame('https://offen.example.test/vault?locale=fr', doc);
    expect(created).toHaveLength(1);
  });
});
