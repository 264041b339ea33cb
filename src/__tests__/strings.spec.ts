import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';

import { ApiError } from '../api';
import { describeError, translateFields } from '../errors';
import { CaptureError, captureErrorText } from '../kernel';

/** A bundle that marks every text it translates, to see what went through it. */
const marked: TranslationBundle = {
  ...nullTranslator.load('test'),
  __: (text: string, ...args: unknown[]) =>
    `«${nullTranslator.load('test').__(text, ...(args as string[]))}»`
} as TranslationBundle;

describe('user-visible strings', () => {
  it('translates known field codes and keeps unknown server text', () => {
    expect(
      translateFields(
        { 'properties.$NAME': 'required', destination: 'something new' },
        marked
      )
    ).toEqual({
      'properties.$NAME': '«Required.»',
      destination: 'something new'
    });
  });

  it('describeError translates the fields of an API error', () => {
    const problem = describeError(
      new ApiError('bad', 400, 'invalid_input', { type: 'invalid' }),
      marked
    );
    expect(problem.fields).toEqual({ type: '«Invalid value.»' });
  });

  it('translates invalid JSON and an unreachable server', () => {
    expect(
      describeError(new ApiError('x', 200, 'invalid_json'), marked).message
    ).toBe('«The server answered with invalid JSON.»');
    expect(
      describeError(new ApiError('Failed to fetch', 0), marked).message
    ).toBe('«The Jupyter server is unreachable: Failed to fetch»');
  });

  it('translates capture failures, keeping the kernel’s own error text', () => {
    const text = (error: CaptureError) => captureErrorText(error, marked);
    expect(text(new CaptureError('x', 'no_kernel'))).toBe(
      '«The notebook has no running kernel.»'
    );
    expect(text(new CaptureError('x', 'unsupported', 'julia'))).toBe(
      '«Capturing the environment is not supported for julia kernels.»'
    );
    expect(text(new CaptureError('x', 'kernel_error', 'dead', true))).toBe(
      '«The kernel stopped (dead) before it answered.»'
    );
    expect(
      text(new CaptureError('x', 'kernel_error', 'ImportError: no md'))
    ).toBe('ImportError: no md');
  });
});
