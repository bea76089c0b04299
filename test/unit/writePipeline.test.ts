// The one write pipeline: progress and log lines, the "Updating..." mark (only for writes that take a moment), the
// store updated from Azure's answer, the resource read again after a failure, and the result notification.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cancelledError } from '../../src/identity/errorWording';
import { IdentityError } from '../../src/identity/identityError';
import type { IdentityHost } from '../../src/identity/model';
import { ResourceStore, type StoreChange } from '../../src/store/resourceStore';
import { runWrite, type WriteRequest, type WriteUi } from '../../src/ui/writePipeline';
import { format } from './support/format';
import { FakeSource, host, SUB, system, vmId } from './support/fakeStoreSource';

const TITLE = "Enabling the system-assigned identity of 'vm-1'...";

/** Records what a person would see; presses `press` on the result notification. */
class RecordingUi implements WriteUi {
  readonly t = format;
  readonly progress: string[] = [];
  readonly notifications: { message: string; buttons: string[] }[] = [];
  press: string | undefined;
  signal: AbortSignal | undefined;

  async withProgress<T>(title: string, work: (report: (message: string) => void, signal: AbortSignal) => Promise<T>): Promise<T> {
    this.progress.push(`[${title}]`);
    const controller = new AbortController();
    this.signal = controller.signal;
    return work((message) => this.progress.push(message), controller.signal);
  }

  async notify(message: string, buttons: string[]): Promise<string | undefined> {
    this.notifications.push({ message, buttons });
    return this.press;
  }
}

async function setUp() {
  const source = new FakeSource();
  source.hosts = [host('rg', 'vm-1')];
  const store = new ResourceStore(source);
  await store.loadHosts(SUB);
  const changes: StoreChange[] = [];
  store.onDidChange((change) => changes.push(change));
  const ui = new RecordingUi();
  const log: string[] = [];
  const services = { store, writeUi: ui, log: { info: (line: string) => log.push(line) } };
  return { source, store, changes, ui, log, services };
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const enabled = host('rg', 'vm-1', system('p-1'));

/** An identity write on vm-1 whose answer is `enabled`, after `ms`. */
function enableRequest(store: ResourceStore, ms: number, followUps: { title: string; run(): Promise<void> }[] | undefined): WriteRequest<IdentityHost> {
  return {
    title: TITLE,
    target: { kind: 'host', host: host('rg', 'vm-1') },
    run: async (options) => {
      options.onProgress?.("Updating 'vm-1'…");
      await delay(ms);
      return enabled;
    },
    applied: (answer) => {
      store.applyHost(answer);
      return { message: "Enabled the system-assigned identity of 'vm-1'.", resourceId: answer.id, followUps };
    },
  };
}

describe('runWrite', () => {
  it('shows progress naming the resource, logs the start, each step and the result, and updates the store from the answer', async () => {
    const { store, ui, log, services, source } = await setUp();
    const result = await runWrite(services, enableRequest(store, 0, []));
    assert.equal(result, enabled);
    assert.deepEqual(ui.progress, [`[${TITLE}]`, "Updating 'vm-1'…"]);
    assert.deepEqual(log, [
      `${TITLE} (${vmId('rg', 'vm-1')})`,
      "vm-1: Updating 'vm-1'…",
      `Enabled the system-assigned identity of 'vm-1'. (${vmId('rg', 'vm-1')})`,
    ]);
    assert.equal(store.host(vmId('rg', 'vm-1'))?.identity.principalId, 'p-1');
    assert.deepEqual(source.calls, [`listHosts ${SUB}`], 'no read: the answer is the new state');
    assert.ok(ui.signal, 'the write got a signal to cancel');
  });

  it('marks the host "Updating..." with the title only when the write takes a moment, and clears the mark', async () => {
    const quick = await setUp();
    await runWrite(quick.services, enableRequest(quick.store, 0, []));
    assert.deepEqual(quick.changes.filter((change) => change.kind === 'host' && change.aspect === 'updating'), [], 'no flicker');

    const slow = await setUp();
    const seen: (string | undefined)[] = [];
    slow.store.onDidChange((change) => {
      if (change.kind === 'host' && change.aspect === 'updating') {
        seen.push(slow.store.updating(host('rg', 'vm-1')));
      }
    });
    await runWrite(slow.services, enableRequest(slow.store, 400, []));
    assert.deepEqual(seen, [TITLE, undefined]);
  });

  it('shows the result with its follow-up actions and runs the one pressed; no notification when the command goes on', async () => {
    const { store, ui, services } = await setUp();
    const pressed: string[] = [];
    ui.press = 'Copy Principal ID';
    await runWrite(services, enableRequest(store, 0, [
      { title: 'Show Identity JSON', run: async () => void pressed.push('json') },
      { title: 'Copy Principal ID', run: async () => void pressed.push('copy') },
    ]));
    await delay(0);
    assert.deepEqual(ui.notifications, [{ message: "Enabled the system-assigned identity of 'vm-1'.", buttons: ['Show Identity JSON', 'Copy Principal ID'] }]);
    assert.deepEqual(pressed, ['copy']);

    const silent = await setUp();
    await runWrite(silent.services, enableRequest(silent.store, 0, undefined));
    assert.deepEqual(silent.ui.notifications, []);
    assert.equal(silent.log.length, 3, 'logged all the same');
  });

  it('after a failure reads the host again (it may have half-changed), lets the command forget what it changed, and rethrows', async () => {
    const { store, ui, services, source } = await setUp();
    source.hosts = [host('rg', 'vm-1', system('p-half'))]; // what Azure has after the failed operation
    const failure = new IdentityError('Allocation failed.', { kind: 'unknown' });
    const forgotten: unknown[] = [];
    await assert.rejects(
      () => runWrite(services, { ...enableRequest(store, 0, []), run: async () => Promise.reject(failure), failed: (error) => void forgotten.push(error) }),
      (error) => error === failure,
    );
    assert.equal(store.host(vmId('rg', 'vm-1'))?.identity.principalId, 'p-half');
    assert.deepEqual(forgotten, [failure]);
    assert.deepEqual(ui.notifications, [], 'the error itself is shown by the command runner');
  });

  it('when cancelled, says Azure may still finish, for a host and for a host being created (whose subscription is listed again)', async () => {
    const { store, ui, services, changes } = await setUp();
    await assert.rejects(() => runWrite(services, { ...enableRequest(store, 0, []), run: async () => Promise.reject(cancelledError(format)) }));
    assert.match(ui.notifications[0].message, /Stopped waiting for 'vm-1'\. Azure may still finish the change/);

    await assert.rejects(() =>
      runWrite(services, {
        title: "Creating virtual machine 'vm-new' in 'rg'...",
        target: { kind: 'newHost', subscriptionId: SUB, name: 'vm-new' },
        run: async () => Promise.reject(cancelledError(format)),
        applied: () => assert.fail('not applied'),
      }),
    );
    assert.match(ui.notifications[1].message, /Stopped waiting for 'vm-new'\. Azure may still finish creating it/);
    assert.deepEqual(changes.at(-1), { kind: 'subscription', subscriptionId: SUB });
    assert.equal(store.hostsState(SUB), undefined, 'listed again when next shown');
  });
});
