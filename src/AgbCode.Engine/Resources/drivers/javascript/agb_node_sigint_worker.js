'use strict';
/**
 * AgbCode JavaScript kernel: the SIGINT watcher, a worker thread of agb_node_evaluator.js, started only where Node's
 * contextify binding cannot hold the watchdog itself (agb_node_sigint.js).
 *
 * It waits forever inside vm.runInThisContext(…, {breakOnSigint: true}), so Node's SIGINT watchdog is always
 * registered: a SIGINT never ends the process (Node's own handler is only put back when no watchdog is left), and
 * registering another one around each step of a cell costs nothing. Node hands a SIGINT to the most recently
 * registered watchdog: while the evaluator runs cell code inside runInContext, that is the cell's (its code is
 * stopped there and then); otherwise it is this one, and the watcher tells the evaluator, which stops waiting for
 * the cell's pending promise. Shared Int32Array slots: [CELL] the running cell's number (0 between cells),
 * [PENDING] the number of the cell a SIGINT arrived for.
 */
const { parentPort, workerData } = require('worker_threads');
const vm = require('vm');

const { CELL, PENDING, WAKE } = workerData.slots;
const shared = new Int32Array(workerData.buffer);
let armed = false;

globalThis.agbArmed = () => {
    if (!armed) {
        armed = true;
        parentPort.postMessage({ type: 'armed' });
    }
};
globalThis.agbWait = () => {
    for (;;) Atomics.wait(shared, WAKE, 0);
};
const waitForever = new vm.Script('agbArmed(); agbWait();', { filename: 'agb-sigint-watcher' });

for (;;) {
    try {
        waitForever.runInThisContext({ breakOnSigint: true });
    } catch (error) {
        if (error?.code !== 'ERR_SCRIPT_EXECUTION_INTERRUPTED') throw error;
        const cell = Atomics.load(shared, CELL);
        if (cell !== 0) {   // between cells a SIGINT is ignored
            Atomics.store(shared, PENDING, cell);
            parentPort.postMessage({ type: 'sigint', cell });
        }
    }
}
