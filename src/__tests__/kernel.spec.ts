import { Kernel, KernelMessage } from '@jupyterlab/services';
import { Signal } from '@lumino/signaling';

import {
  captureEnvironment,
  CaptureError,
  MARKER,
  parseOutput,
  requirementsText,
  toEnvironment
} from '../kernel';

type Step = { stdout?: string; error?: { ename: string; evalue: string } };

/**
 * A kernel whose `requestExecute` replays IOPub messages and then a reply,
 * or never replies (`hang`) to exercise the timeout.
 */
function fakeKernel(
  steps: Step[],
  options: { status?: 'ok' | 'error'; hang?: boolean } = {}
) {
  const requests: KernelMessage.IExecuteRequestMsg['content'][] = [];
  const kernel = {
    statusChanged: new Signal<unknown, Kernel.Status>({}),
    requestExecute(content: KernelMessage.IExecuteRequestMsg['content']) {
      requests.push(content);
      let resolveDone: (reply: unknown) => void = () => undefined;
      const future = {
        onIOPub: (_msg: KernelMessage.IIOPubMessage) => undefined,
        done: new Promise(resolve => (resolveDone = resolve)),
        dispose: jest.fn()
      };
      setTimeout(() => {
        for (const step of steps) {
          if (step.stdout !== undefined) {
            future.onIOPub(
              KernelMessage.createMessage({
                channel: 'iopub',
                session: 's',
                msgType: 'stream',
                content: { name: 'stdout', text: step.stdout }
              }) as KernelMessage.IIOPubMessage
            );
          }
          if (step.error) {
            future.onIOPub(
              KernelMessage.createMessage({
                channel: 'iopub',
                session: 's',
                msgType: 'error',
                content: { ...step.error, traceback: [] }
              }) as KernelMessage.IIOPubMessage
            );
          }
        }
        if (!options.hang) {
          resolveDone({
            content: { status: options.status ?? 'ok', execution_count: null }
          });
        }
      }, 0);
      return future;
    }
  };
  return { kernel: kernel as unknown as Kernel.IKernelConnection, requests };
}

const payload = (nonce: string, extra: Record<string, unknown> = {}) =>
  `${MARKER}${nonce} ${JSON.stringify({
    packages: { numpy: '2.1.0', Pandas: '2.2.3', mypkg: '0.1' },
    local: ['mypkg @ file:///home/me/mypkg'],
    version: '3.12',
    ...extra
  })}\n`;

describe('captureEnvironment', () => {
  it('runs visibly without history and reads the answer carrying its nonce', async () => {
    const { kernel, requests } = fakeKernel([
      { stdout: 'user output\n' },
      { stdout: payload('n1') }
    ]);
    const env = await captureEnvironment(kernel, {
      language: 'python',
      nonce: 'n1'
    });
    expect(requests[0].silent).toBe(false);
    expect(requests[0].store_history).toBe(false);
    expect(requests[0].code).toContain('importlib.metadata');
    expect(requests[0].code).toContain('"__OPENBIS_BRIDGE_ENV__n1"');
    expect(env.runtime).toBe('python-3.12');
    expect(env.requirements).toEqual(['numpy==2.1.0', 'Pandas==2.2.3']);
    expect(env.localOrigins).toEqual(['mypkg @ file:///home/me/mypkg']);
  });

  it('joins output split over several stream messages', async () => {
    const line = payload('n2');
    const { kernel } = fakeKernel([
      { stdout: line.slice(0, 20) },
      { stdout: line.slice(20) }
    ]);
    const env = await captureEnvironment(kernel, {
      language: 'python',
      nonce: 'n2'
    });
    expect(env.requirements).toHaveLength(2);
  });

  it('never takes an answer with another nonce (a stale or earlier result)', async () => {
    const { kernel } = fakeKernel([{ stdout: payload('old') }]);
    await expect(
      captureEnvironment(kernel, { language: 'python', nonce: 'new' })
    ).rejects.toMatchObject({
      kind: 'bad_output'
    });
  });

  it('reports a kernel error with its name and value', async () => {
    const { kernel } = fakeKernel(
      [{ error: { ename: 'ImportError', evalue: 'no importlib' } }],
      { status: 'error' }
    );
    const failure = captureEnvironment(kernel, {
      language: 'python',
      nonce: 'n3'
    });
    await expect(failure).rejects.toBeInstanceOf(CaptureError);
    await expect(failure).rejects.toMatchObject({
      kind: 'kernel_error',
      message: 'ImportError: no importlib'
    });
  });

  it('times out when the kernel does not answer', async () => {
    const { kernel } = fakeKernel([], { hang: true });
    await expect(
      captureEnvironment(kernel, { language: 'python', timeoutMs: 20 })
    ).rejects.toMatchObject({
      kind: 'timeout'
    });
  });

  it('gives up when the kernel restarts instead of waiting for the timeout', async () => {
    const { kernel } = fakeKernel([], { hang: true });
    const failure = captureEnvironment(kernel, {
      language: 'python',
      timeoutMs: 60000
    });
    (kernel.statusChanged as Signal<unknown, Kernel.Status>).emit('restarting');
    await expect(failure).rejects.toMatchObject({ kind: 'kernel_error' });
  });

  it('refuses kernels of other languages without running anything', async () => {
    const { kernel, requests } = fakeKernel([]);
    await expect(
      captureEnvironment(kernel, { language: 'julia' })
    ).rejects.toMatchObject({ kind: 'unsupported' });
    expect(requests).toHaveLength(0);
  });

  it('refuses when there is no kernel', async () => {
    await expect(
      captureEnvironment(null, { language: 'python' })
    ).rejects.toMatchObject({ kind: 'no_kernel' });
  });

  it('captures R packages and the R runtime with its release date', async () => {
    const line = `${MARKER}r1 ${JSON.stringify({ packages: { ggplot2: '3.5.1' }, local: [], version: '4.3', date: '2024-02-29' })}\n`;
    const { kernel, requests } = fakeKernel([{ stdout: line }]);
    const env = await captureEnvironment(kernel, {
      language: 'R',
      nonce: 'r1'
    });
    expect(requests[0].code).toContain('installed.packages');
    expect(env).toMatchObject({
      language: 'r',
      runtime: 'r-4.3-2024-02-29',
      requirements: ['ggplot2==3.5.1']
    });
  });
});

describe('environment formatting', () => {
  it('deduplicates and lists local installs as comments', () => {
    const env = toEnvironment('python', {
      packages: { b: '1', a: '2' },
      local: ['c @ git+https://example.org/c'],
      version: '3.11'
    });
    expect(requirementsText(env)).toBe(
      'a==2\nb==1\n# Installed from a local folder or a VCS (not reproducible from an index):\n# c @ git+https://example.org/c\n'
    );
  });

  it('ignores malformed answers', () => {
    expect(parseOutput(`${MARKER}x {not json}\n`, 'x')).toBeNull();
    expect(parseOutput('nothing here', 'x')).toBeNull();
  });
});
