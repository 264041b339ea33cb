import { ServerConnection } from '@jupyterlab/services';

import {
  ApiError,
  cancelJob,
  getJob,
  getStatus,
  listConnections,
  listDataSets,
  login,
  requestAPI,
  search,
  startSave
} from '../api';

function settingsAnswering(
  respond: (url: string, init?: RequestInit) => Response | Promise<Response>
): { settings: ServerConnection.ISettings; calls: string[] } {
  const calls: string[] = [];
  const fetch = jest.fn(
    async (input: RequestInfo | URL, init?: RequestInit) => {
      const url =
        typeof input === 'string'
          ? input
          : ((input as Request).url ?? String(input));
      calls.push(url);
      return respond(url, init);
    }
  );
  const settings = ServerConnection.makeSettings({
    baseUrl: 'http://localhost:8888/',
    fetch: fetch as unknown as typeof window.fetch
  });
  return { settings, calls };
}

/** The error a promise rejects with; fails the test if it resolves. */
async function failureOf(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected the request to fail');
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' }
  });
}

describe('requestAPI', () => {
  it('returns the decoded body and calls the namespaced URL', async () => {
    const { settings, calls } = settingsAnswering(() =>
      json({ version: '0.1.0', pybis_version: '1.37.5', connections: [] })
    );
    const status = await getStatus(settings);
    expect(status.version).toBe('0.1.0');
    expect(status.pybis_version).toBe('1.37.5');
    // GET requests carry a cache-busting query parameter.
    expect(calls[0]).toMatch(
      /^http:\/\/localhost:8888\/openbis-bridge\/status(\?\d+)?$/
    );
  });

  it("unwraps a server error into an ApiError with the server's message", async () => {
    const { settings } = settingsAnswering(() =>
      json(
        {
          message: 'Wrong user name or password for connection "demo".',
          reason: 'auth_failed',
          fields: { password: 'Wrong password' }
        },
        401
      )
    );
    const failure = requestAPI(
      'connections/demo/login',
      { method: 'POST' },
      settings
    );
    await expect(failure).rejects.toBeInstanceOf(ApiError);
    await expect(failure).rejects.toMatchObject({
      message: 'Wrong user name or password for connection "demo".',
      status: 401,
      reason: 'auth_failed',
      fields: { password: 'Wrong password' }
    });
  });

  it('shortens an HTML error page to its text', async () => {
    const page = `<html><body><h1>502 Bad Gateway</h1>${'x'.repeat(2000)}</body></html>`;
    const { settings } = settingsAnswering(
      () => new Response(page, { status: 502, statusText: 'Bad Gateway' })
    );
    const error = await failureOf(requestAPI('status', {}, settings));
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(502);
    expect(error.reason).toBeNull();
    expect(error.message.startsWith('502 Bad Gateway')).toBe(true);
    expect(error.message).not.toContain('<');
    expect(error.message.length).toBeLessThanOrEqual(501);
  });

  it('reports an unreachable server as status 0', async () => {
    const { settings } = settingsAnswering(() => {
      throw new TypeError('fetch failed');
    });
    const error = await failureOf(requestAPI('status', {}, settings));
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(0);
    expect(error.message).toContain('fetch failed');
  });

  it('rejects a success answer that is not JSON', async () => {
    const { settings } = settingsAnswering(
      () => new Response('not json', { status: 200 })
    );
    await expect(requestAPI('status', {}, settings)).rejects.toThrow(
      'invalid JSON'
    );
  });
});

describe('typed wrappers', () => {
  function recording(body: unknown, status = 200) {
    const calls: string[] = [];
    const inits: { method: string; body: string }[] = [];
    const fetch = jest.fn(
      async (input: RequestInfo | URL, init?: RequestInit) => {
        const request = new Request(input as RequestInfo, init);
        calls.push(request.url);
        inits.push({ method: request.method, body: await request.text() });
        return json(body, status);
      }
    );
    const settings = ServerConnection.makeSettings({
      baseUrl: 'http://localhost:8888/',
      fetch: fetch as unknown as typeof window.fetch
    });
    return { settings, calls, inits };
  }

  it('lists connections with a live check', async () => {
    const { settings, calls } = recording({ connections: [{ name: 'lab' }] });
    const connections = await listConnections(true, settings);
    expect(connections).toEqual([{ name: 'lab' }]);
    expect(calls[0]).toMatch(/\/openbis-bridge\/connections\?live=true/);
  });

  it('posts credentials as JSON to the encoded connection name', async () => {
    const { settings, calls, inits } = recording({
      name: 'my lab',
      status: 'connected'
    });
    await login('my lab', { username: 'alice', password: 'pw' }, settings);
    expect(calls[0]).toContain('/openbis-bridge/connections/my%20lab/login');
    expect(inits[0]?.method).toBe('POST');
    expect(JSON.parse(inits[0].body)).toEqual({
      username: 'alice',
      password: 'pw'
    });
  });

  it('builds browse and search queries, leaving out empty values', async () => {
    const { settings, calls } = recording({
      items: [],
      totalCount: 0,
      offset: 0,
      limit: 10,
      query: 'x',
      results: {}
    });
    await listDataSets(
      'lab',
      { experiment: '/S/P/E', sample: null },
      { offset: 20, limit: 10 },
      settings
    );
    expect(calls[0]).toMatch(
      /connections\/lab\/datasets\?experiment=%2FS%2FP%2FE&offset=20&limit=10/
    );
    await search('lab', 'a b', ['experiment', 'sample'], {}, settings);
    expect(calls[1]).toMatch(
      /connections\/lab\/search\?q=a%20b&kinds=experiment%2Csample/
    );
  });

  it('long-polls and cancels jobs', async () => {
    const { settings, calls, inits } = recording({
      id: 'j1',
      state: 'running'
    });
    await getJob('j1', 2, settings);
    await cancelJob('j1', settings);
    expect(calls[0]).toMatch(/\/openbis-bridge\/jobs\/j1\?wait=2/);
    expect(inits[1]?.method).toBe('DELETE');
  });

  it('surfaces per-field validation errors of a save', async () => {
    const { settings } = recording(
      {
        message: 'some property values are invalid',
        reason: 'invalid_input',
        fields: { 'properties.$NAME': 'required' }
      },
      400
    );
    const error = await failureOf(
      startSave(
        'lab',
        {
          notebookPath: 'a.ipynb',
          type: 'T',
          parents: [],
          properties: {},
          files: [],
          includeEnvironment: true
        },
        settings
      )
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error.reason).toBe('invalid_input');
    expect(error.fields).toEqual({ 'properties.$NAME': 'required' });
  });
});
