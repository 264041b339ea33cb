import { ServerConnection } from '@jupyterlab/services';

import {
  ApiError,
  listConnections,
  listSpaces,
  login,
  needsLogin,
  setLoginHandler
} from '../api';

/** Settings whose fetch answers from `answers` in order, recording the URLs. */
function scripted(answers: (() => Response)[]): {
  settings: ServerConnection.ISettings;
  calls: string[];
} {
  const calls: string[] = [];
  const fetch = jest.fn(async (input: RequestInfo | URL) => {
    calls.push(typeof input === 'string' ? input : String(input));
    const next = answers.shift();
    if (!next) {
      throw new Error('no more answers');
    }
    return next();
  });
  return {
    settings: ServerConnection.makeSettings({
      baseUrl: 'http://localhost:8888/',
      fetch: fetch as unknown as typeof window.fetch
    }),
    calls
  };
}

function json(body: unknown, status = 200): () => Response {
  return () =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'Content-Type': 'application/json' }
    });
}

const expired = json(
  { message: 'session ended', reason: 'session_expired' },
  401
);
const page = json({ items: [], totalCount: 0, offset: 0, limit: 50 });

describe('log in again and retry', () => {
  afterEach(() => setLoginHandler(null));

  it('asks to log in to the failing connection and retries once', async () => {
    const handler = jest.fn(async () => true);
    setLoginHandler(handler);
    const { settings, calls } = scripted([expired, page]);
    const answer = await listSpaces('lab', {}, settings);
    expect(answer.totalCount).toBe(0);
    expect(calls).toHaveLength(2);
    expect(handler).toHaveBeenCalledTimes(1);
    const [connection, error] = handler.mock.calls[0] as unknown as [
      string,
      ApiError
    ];
    expect(connection).toBe('lab');
    expect(error.reason).toBe('session_expired');
  });

  it('gives up with the original error when the user does not log in', async () => {
    setLoginHandler(async () => false);
    const { settings, calls } = scripted([expired]);
    await expect(listSpaces('lab', {}, settings)).rejects.toMatchObject({
      reason: 'session_expired'
    });
    expect(calls).toHaveLength(1);
  });

  it('retries only once', async () => {
    const handler = jest.fn(async () => true);
    setLoginHandler(handler);
    const { settings, calls } = scripted([expired, expired]);
    await expect(listSpaces('lab', {}, settings)).rejects.toMatchObject({
      reason: 'session_expired'
    });
    expect(calls).toHaveLength(2);
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('shares one prompt between concurrent failures', async () => {
    let release: (value: boolean) => void = () => undefined;
    const handler = jest.fn(
      () => new Promise<boolean>(resolve => (release = resolve))
    );
    setLoginHandler(handler);
    const { settings } = scripted([expired, expired, page, page]);
    const both = Promise.all([
      listSpaces('lab', {}, settings),
      listSpaces('lab', {}, settings)
    ]);
    await new Promise(resolve => setTimeout(resolve, 10));
    release(true);
    await both;
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('never prompts for login itself or calls without a connection', async () => {
    const handler = jest.fn(async () => true);
    setLoginHandler(handler);
    const notLoggedIn = json(
      { message: 'no session', reason: 'not_logged_in' },
      401
    );
    const first = scripted([notLoggedIn]);
    await expect(
      login('lab', { password: 'x' }, first.settings)
    ).rejects.toBeInstanceOf(ApiError);
    const second = scripted([notLoggedIn]);
    await expect(
      listConnections(false, second.settings)
    ).rejects.toBeInstanceOf(ApiError);
    expect(handler).not.toHaveBeenCalled();
  });

  it('needsLogin knows the two reasons', () => {
    expect(needsLogin(new ApiError('x', 401, 'not_logged_in'))).toBe(true);
    expect(needsLogin(new ApiError('x', 401, 'session_expired'))).toBe(true);
    expect(needsLogin(new ApiError('x', 401, 'auth_failed'))).toBe(false);
    expect(needsLogin(new Error('x'))).toBe(false);
  });
});
