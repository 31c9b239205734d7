'use strict';
/**
 * AgbCode JavaScript kernel: how a SIGINT reaches the evaluator (agb_node_evaluator.js) at any moment of its life.
 *
 * Code inside runInContext(…, {breakOnSigint: true}) is stopped by Node's SIGINT watchdog, but when the last watchdog
 * of the process stops, Node puts back a SIGINT handler that ends the process (and vm's own trick of re-adding
 * process 'SIGINT' listeners afterwards leaves a moment in which a SIGINT still ends it). So the kernel holds a
 * watchdog for its whole life: SIGINT then never ends the process, whatever runs. Two ways, cheapest first:
 *
 * - Node's contextify binding (startSigintWatchdog, as the REPL uses): one started watchdog for the process, no
 *   thread of JavaScript. A SIGINT while no script runs under breakOnSigint only sets a flag
 *   (watchdogHasPendingSigint), which each script run under breakOnSigint clears when it ends: the evaluator reads it
 *   before each step of a cell, polls it while the cell waits for a promise, and clears it when a cell starts (a
 *   SIGINT between cells is ignored).
 * - Where the binding is missing: agb_node_sigint_worker.js, a worker thread waiting for ever under breakOnSigint,
 *   which posts each SIGINT that arrives during a cell (about 65 ms of CPU more at start: a second V8 isolate).
 */
const path = require('path');

/** How often a cell waiting for a promise looks at the flag: the interrupt's latency there, and its only cost. */
const POLL_MS = 10;

function clearScript(vm) {
    return new vm.Script('', { filename: 'agb-sigint-clear' });
}

/** The process-wide watchdog of Node's contextify binding, or null when this Node does not offer it. */
function contextifyWatchdog(vm, nodeBinding) {
    const binding = nodeBinding('contextify');
    if (typeof binding?.startSigintWatchdog !== 'function' || typeof binding.watchdogHasPendingSigint !== 'function') return null;
    if (binding.startSigintWatchdog() === false) return null;
    const clear = clearScript(vm);
    return {
        kind: 'watchdog',
        pollMs: POLL_MS,
        beginCell() {
            clear.runInThisContext({ breakOnSigint: true });   // its end clears a SIGINT that came between cells
        },
        endCell() {},
        pending: () => binding.watchdogHasPendingSigint(),
    };
}

/** The watcher thread: resolves once it waits under breakOnSigint, or with null when it cannot. */
function watcherThread(onSigint, diagnose) {
    const { Worker } = require('worker_threads');
    const SLOTS = { CELL: 0, PENDING: 1, WAKE: 2 };
    const shared = new Int32Array(new SharedArrayBuffer(4 * 4));
    let cell = 0;
    const watch = {
        kind: 'worker',
        pollMs: 0,
        beginCell(number) {
            cell = number;
            Atomics.store(shared, SLOTS.CELL, number);
        },
        endCell() {
            cell = 0;
            Atomics.store(shared, SLOTS.CELL, 0);
        },
        pending: () => cell !== 0 && Atomics.load(shared, SLOTS.PENDING) === cell,
    };
    return new Promise((resolve) => {
        const notRunning = (why) => {
            diagnose(`the SIGINT watcher is not running (${why}); interrupts are less reliable`);
            resolve(null);
        };
        let worker;
        try {
            worker = new Worker(path.join(__dirname, 'agb_node_sigint_worker.js'), {
                workerData: { buffer: shared.buffer, slots: SLOTS },
                resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 },
                stdout: false,
                stderr: false,
            });
        } catch (failure) {
            notRunning(failure.message);
            return;
        }
        const timer = setTimeout(() => notRunning('it did not start within 10 s'), 10000);
        let armed = false;
        worker.on('message', (message) => {
            if (message?.type === 'armed') {
                armed = true;
                clearTimeout(timer);
                resolve(watch);
            } else if (message?.type === 'sigint') {
                onSigint(message.cell);
            }
        });
        worker.on('error', (failure) => {
            clearTimeout(timer);
            if (armed) diagnose(`the SIGINT watcher failed: ${failure.message}`);
            else notRunning(failure.message);
        });
        worker.unref();
    });
}

/** Without either: a process SIGINT listener does what it can (a SIGINT may then end the kernel). */
function listenerOnly(onSigint, originalOn) {
    let cell = 0;
    let pendingCell = 0;
    originalOn('SIGINT', () => {
        if (cell === 0) return;
        pendingCell = cell;
        onSigint(cell);
    });
    return {
        kind: 'listener',
        pollMs: 0,
        beginCell(number) { cell = number; },
        endCell() { cell = 0; },
        pending: () => cell !== 0 && pendingCell === cell,
    };
}

/**
 * Starts watching for SIGINT. nodeBinding(name) is process.binding without its warning, or null; onSigint(cellNumber)
 * is called when the watcher thread sees one during that cell (with the binding the evaluator asks pending() itself).
 * Resolves to { kind, pollMs, beginCell(n), endCell(), pending() }.
 */
async function watchSigint({ vm, nodeBinding, onSigint, diagnose, originalOn }) {
    return contextifyWatchdog(vm, nodeBinding) ?? await watcherThread(onSigint, diagnose) ?? listenerOnly(onSigint, originalOn);
}

module.exports = { watchSigint };
