import { loadCode } from '../insertCode';

describe('loadCode', () => {
  it('loads one data set into `data` without naming the connection', () => {
    expect(loadCode(['20250123080000000-19'], null)).toBe(
      'from jupyterlab_openbis_bridge import load\ndata = load("20250123080000000-19")'
    );
  });

  it('numbers several data sets and names the connection when asked', () => {
    expect(loadCode(['1-1', '2-2'], 'lab "2"')).toBe(
      [
        'from jupyterlab_openbis_bridge import load',
        'data_1 = load("1-1", connection="lab \\"2\\"")',
        'data_2 = load("2-2", connection="lab \\"2\\"")'
      ].join('\n')
    );
  });
});
