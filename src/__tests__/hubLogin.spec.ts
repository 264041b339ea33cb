/**
 * The login prompt for a connection the hub handed over, when the admin
 * chose the hub's login for ended sessions (`hub_login_on_expiry`).
 */
import { nullTranslator } from '@jupyterlab/translation';

import { ApiError } from '../api';
import { showLoginDialog } from '../connect';
import * as handshake from '../handshake';
import { ConnectionModel } from '../models/connections';

const trans = nullTranslator.load('jupyterlab_openbis_bridge');
const expired = new ApiError('session ended', 401, 'session_expired');

/** A connection model with one connection of the hub; `renewed` decides what a live check finds. */
function hubModel(renewed: () => boolean): ConnectionModel {
  const model = {
    connections: [{ name: 'hub', origin: 'env', status: 'session_expired' }],
    refresh: jest.fn(async (live?: boolean) => {
      if (live && renewed()) {
        model.connections[0].status = 'connected';
      }
    })
  };
  return model as unknown as ConnectionModel;
}

function button(label: string): HTMLButtonElement {
  const found = Array.from(document.querySelectorAll('.jp-Dialog button')).find(
    b => b.textContent === label
  );
  if (!found) {
    throw new Error(`no button "${label}"`);
  }
  return found as HTMLButtonElement;
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) {
    await new Promise(resolve => setTimeout(resolve, 0));
  }
  expect(condition()).toBe(true);
}

describe('an ended hub session', () => {
  afterEach(() => {
    jest.restoreAllMocks();
    document.body.innerHTML = '';
  });

  it('offers the hub login and continues once the hub renewed the session', async () => {
    jest
      .spyOn(handshake, 'handshakeStatus')
      .mockResolvedValue({ hubLoginUrl: '/hub/logout' } as any);
    let hubLoggedIn = false;
    const model = hubModel(() => hubLoggedIn);
    const answer = showLoginDialog(model, trans, 'hub', expired);
    await until(() => document.querySelector('.jp-Dialog a') !== null);
    const link = document.querySelector('.jp-Dialog a') as HTMLAnchorElement;
    expect(link.getAttribute('href')).toBe('/hub/logout');
    expect(link.target).toBe('_blank');

    // Continue before the hub login: the dialog stays and says why.
    button('Continue').click();
    await until(() =>
      (document.querySelector('[role="status"]')?.textContent ?? '').includes(
        'Not logged in yet'
      )
    );
    expect(document.querySelector('.jp-Dialog')).not.toBeNull();

    hubLoggedIn = true;
    button('Continue').click();
    await expect(answer).resolves.toBe(true);
    expect(model.refresh).toHaveBeenCalledWith(true);
  });
});
