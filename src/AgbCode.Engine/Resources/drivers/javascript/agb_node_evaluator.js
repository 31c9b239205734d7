'use strict';
/**
 * AgbCode JavaScript kernel: runs cells in one persistent Node.js `vm` context, behind agb_supervisor.py.
 *
 *     agb_supervisor.py /usr/bin/node [--max-old-space-size=N] agb_node_evaluator.js
 *
 * Channels (docs/protocol.md, "Supervisor ↔ evaluator"): fd 0 /dev/null; fd 1 and 2 pipes the supervisor relays as
 * stdout / stderr (inherited by child processes); fd 3 requests {"code", "execution_count"}, one JSON object per line;
 * fd 4 our messages: ready, sync, display_data, execute_result, error, done; fd 5 the supervisor's acknowledgements of
 * sync. fd 3 to 5 are reopened close-on-exec at start (through /proc/self/fd), so the processes a cell starts do not
 * inherit them. process.stdout / process.stderr are replaced by streams that write synchronously (blocking) to fd 1 /
 * fd 2, with a sync between a write to one and a write to the other: everything printed is in the pipe before the next
 * message, stdout and stderr keep their order, and the pipes stay blocking for child processes. At end of file on fd 3 the cells already received
 * are run, then the evaluator exits 0.
 *
 * Semantics (like the Python kernel):
 * - top-level let / const / class / function persist and may be declared again by a later cell; top-level await
 *   works (agb_node_rewrite.js); `require` resolves Node built-ins and modules from the working directory, and
 *   `await import(…)` works too; `import` / `export` declarations (a .mjs script) become `await import(…)` bound to
 *   the same names and the declarations they export (a name a module does not export is undefined, not an error);
 * - the last expression statement's value is the run's execute_result: text/plain is util.inspect(value) as in the
 *   REPL, plus application/json when the value is plain JSON data, plus what the value's _repr_*_ methods give;
 *   undefined gives none;
 * - errors keep their JS name (a class MyError extends Error is "MyError"), message and stack (frames of this
 *   evaluator and of node internals are left out); a thrown non-Error is "Uncaught"; syntax errors give line:column;
 *   process.exit(n) ends the cell, not the kernel, and the run reports exit code n (done's exit_code), as
 *   process.exitCode = n does when the cell finishes: 0 is a success, any other code a failure;
 * - an uncaught exception or unhandled rejection from a callback is an error of the running cell (which ends), or is
 *   printed to stderr between cells;
 * - SIGINT interrupts the running cell and keeps the context: code running inside the cell's own script (including
 *   after its top-level awaits) is stopped where it is; a cell waiting for a promise stops waiting. Code that loops
 *   forever inside a timer or promise callback cannot be stopped: the engine then kills the kernel.
 *
 * Rich output, from cell code:
 *     display(value, …)       one display_data per value: its _repr_mimebundle_() / _repr_html_() / … or
 *                             util.inspect(value) (+ application/json for plain data)
 *     display.html(str)   display.markdown(str)   display.svg(str)   display.latex(str)
 *     display.png(bufferOrBase64)   display.jpeg(bufferOrBase64)   display.json(value)
 *     display.mimebundle({ 'mime/type': data, … })   e.g. a Vega-Lite chart: application/vnd.vegalite.v5+json
 * An object with a _repr_mimebundle_() method (returning { mime: data }) or _repr_html_(), _repr_markdown_(),
 * _repr_svg_(), _repr_png_(), _repr_jpeg_(), _repr_latex_(), _repr_json_() is shown with those representations, as
 * the last expression or through display(). Buffers / Uint8Arrays in a bundle are sent base64-encoded.
 */
/** process.binding(name) without its deprecation warning (the kernel's use, not the user's); null when it fails. */
function nodeBinding(name) {
    const deprecationsWere = process.noDeprecation;
    process.noDeprecation = true;
    try {
        return process.binding(name);
    } catch {
        return null;
    } finally {
        process.noDeprecation = deprecationsWere;
    }
}

// The engine's heap cap (--max-old-space-size) is read once, when V8 makes the heap; but V8 takes Node's built-in code
// cache (and agb_node_code_cache.js's) only under the flags it was made with, so while the flag is set every module
// Node loads compiles from source (about 15 ms of CPU per kernel). Back at its default, the cap stays and the caches
// fit. Through the binding: require('v8') is itself such a module (about 10 ms).
try {
    nodeBinding('v8')?.setFlagsFromString('--max-old-space-size=0');
} catch { /* a Node that refuses: the kernel compiles from source, as before */ }
const fs = require('fs');
const path = require('path');
const util = require('util');
const vm = require('vm');
const net = require('net');
const readline = require('readline');
const { Writable } = require('stream');
const { Console } = require('console');
const Module = require('module');
const { watchSigint } = require(path.join(__dirname, 'agb_node_sigint.js'));

const realExit = process.exit.bind(process);
const originalOn = process.on.bind(process);

// ---- channels ------------------------------------------------------------------------------------------------------

/** A close-on-exec copy of an inherited pipe end (so child processes do not get it), or the fd itself. */
function privateCopy(fd, flags) {
    try {
        if (!fs.fstatSync(fd).isFIFO()) return fd;   // reopening a regular file would start it at offset 0
        const copy = fs.openSync(`/proc/self/fd/${fd}`, flags);
        fs.closeSync(fd);
        return copy;
    } catch {
        return fd;
    }
}

const REQUESTS_FD = privateCopy(3, fs.constants.O_RDONLY);
const MESSAGES_FD = privateCopy(4, fs.constants.O_WRONLY);
const ACKS_FD = privateCopy(5, fs.constants.O_RDONLY);

function writeAll(fd, data) {
    const buffer = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let offset = 0;
    while (offset < buffer.length) {
        try {
            offset += fs.writeSync(fd, buffer, offset, buffer.length - offset);
        } catch (error) {
            if (error.code !== 'EAGAIN') throw error;
            Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);   // a non-blocking pipe that is full
        }
    }
}

let lastWrittenFd = 1;
const ack = Buffer.alloc(1);

/**
 * Before writing to the other pipe than last time: the supervisor relays what is in both (sync, answered on fd 5), so
 * stdout and stderr keep the order they were written in.
 */
function switchTo(fd) {
    if (fd === lastWrittenFd) return;
    send({ type: 'sync' });
    fs.readSync(ACKS_FD, ack, 0, 1, null);
    lastWrittenFd = fd;
}

/**
 * process.stdout / process.stderr: synchronous writes to fd 1 / 2, in order with each other, never closed.
 *
 * write() does not go through Writable's bookkeeping: a SIGINT stops the cell's code wherever it is, and one that lands
 * between Writable marking a write in flight and clearing it (right after a print, as a Ctrl+C at the first line of
 * output does) left the stream waiting for ever for that write to end, so the kernel printed nothing from then on.
 */
class SyncFdStream extends Writable {
    constructor(fd) {
        super({ emitClose: false });
        this.fd = fd;
        this._type = 'pipe';
        this._isStdio = true;
        this.isTTY = false;
    }

    write(chunk, encoding, callback) {
        if (typeof encoding === 'function') [encoding, callback] = [undefined, encoding];
        let failure = null;
        try {
            const data = typeof chunk === 'string' ? Buffer.from(chunk, Buffer.isEncoding(encoding) ? encoding : 'utf8')
                : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
            switchTo(this.fd);
            writeAll(this.fd, data);
        } catch (error) {
            failure = error;
        }
        if (typeof callback === 'function') process.nextTick(callback, failure);
        return failure === null;
    }

    _write(chunk, encoding, callback) {   // only reached through Writable's own methods (cork/uncork)
        this.write(chunk, encoding, callback);
    }

    end(chunk, encoding, callback) {   // like the real stdout: it stays open
        if (typeof chunk === 'function') [chunk, callback] = [null, chunk];
        else if (typeof encoding === 'function') [encoding, callback] = [undefined, encoding];
        if (chunk !== null && chunk !== undefined) this.write(chunk, encoding);
        if (callback) process.nextTick(callback);
        return this;
    }

    _destroy(error, callback) { callback(error); }
    destroySoon() {}
    hasColors() { return false; }
    getColorDepth() { return 1; }
}

const stdout = new SyncFdStream(1);
const stderr = new SyncFdStream(2);
for (const [name, stream] of [['stdout', stdout], ['stderr', stderr]])
    Object.defineProperty(process, name, { configurable: true, enumerable: true, get: () => stream });

function diagnose(text) {
    try {
        writeAll(2, `agb node evaluator: ${text}\n`);
    } catch { /* nowhere left to say it */ }
}

function send(message) {
    let line;
    try {
        line = JSON.stringify(message) + '\n';
    } catch (failure) {   // e.g. a BigInt in a bundle
        line = JSON.stringify({ type: 'error', ename: 'SerializationError', evalue: String(failure?.message ?? failure), traceback: [] }) + '\n';
    }
    writeAll(MESSAGES_FD, line);
}

// ---- acorn --------------------------------------------------------------------------------------------------------

const { requireCached, ACORN, REWRITE } = require(path.join(__dirname, 'agb_node_code_cache.js'));
let acorn = null;
let acornProblem = null;
try {
    acorn = requireCached(ACORN);
} catch (failure) {
    acornProblem = `acorn could not be loaded from ${ACORN} (${failure.message.split('\n')[0]}); run "npm ci" in ${__dirname}`;
}
const { rewriteCell } = requireCached(REWRITE);

// ---- the context --------------------------------------------------------------------------------------------------

const workingDirectory = process.cwd();
const cellFile = path.join(workingDirectory, '<agb-cell>');
const userRequire = Module.createRequire(cellFile);
const userModule = new Module(cellFile, null);
userModule.filename = cellFile;
userModule.paths = Module._nodeModulePaths(workingDirectory);
userModule.loaded = true;

const sandbox = {};
const context = vm.createContext(sandbox, { name: 'AgbCode JavaScript kernel' });
const contextGlobal = vm.runInContext('globalThis', context);
for (const name of Object.getOwnPropertyNames(globalThis)) {   // Node's globals (timers, Buffer, process, fetch, …)
    if (name === 'global' || name === 'globalThis' || name === 'console' || name in contextGlobal) continue;
    Object.defineProperty(sandbox, name, Object.getOwnPropertyDescriptor(globalThis, name));
}
const contextObjectPrototype = vm.runInContext('Object.prototype', context);
const contextArrayPrototype = vm.runInContext('Array.prototype', context);

let stepThunk = null;
Object.assign(sandbox, {
    global: contextGlobal,
    console: new Console({ stdout, stderr, colorMode: false }),
    require: userRequire,
    module: userModule,
    exports: userModule.exports,
    __filename: cellFile,
    __dirname: workingDirectory,
});
Object.defineProperty(sandbox, '__agbStep', { value: () => stepThunk(), enumerable: false, writable: false, configurable: false });
const stepScript = new vm.Script('__agbStep()', { filename: 'agb-step' });

const scriptOptions = {};
if (vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER !== undefined) {   // `await import(…)` in cells
    scriptOptions.importModuleDynamically = vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER;
    const emitWarning = process.emitWarning;
    process.emitWarning = function (warning, ...rest) {   // its one-time ExperimentalWarning is not the user's business
        if (String(warning?.message ?? warning).includes('USE_MAIN_CONTEXT_DEFAULT_LOADER')) return;
        return emitWarning.call(this, warning, ...rest);
    };
}

// ---- what the kernel does not let cell code do ----------------------------------------------------------------------

class ProcessExitError extends Error {
    constructor(code) {
        super(`process.exit(${code === undefined ? '' : util.inspect(code)}) was called: the JavaScript kernel keeps ` +
            'running with its state; the rest of the cell was skipped');
        this.name = 'ProcessExitError';
        this.exitCode = code;
    }
}

/** The status `node x.js` would exit with: process.exit's argument, else process.exitCode, else 0. */
function exitStatus(code) {
    const number = Number(code ?? process.exitCode ?? 0);
    return Number.isSafeInteger(number) ? number : 1;
}

process.exit = function exit(code) {
    throw new ProcessExitError(code);
};
for (const method of ['on', 'addListener', 'once', 'prependListener', 'prependOnceListener']) {
    const original = process[method];
    process[method] = function (event, ...rest) {
        if (event === 'SIGINT') {   // a SIGINT listener would take the signal away from the interrupt watchdog
            diagnose("process.on('SIGINT') is ignored: in this kernel SIGINT interrupts the running cell");
            return this;
        }
        return original.call(this, event, ...rest);
    };
}

// ---- values, bundles, errors ----------------------------------------------------------------------------------------

const JSON_LIMIT = 1 << 20;
const inspect = (value) => util.inspect(value, { showProxy: true });

function isPlainData(root) {
    let budget = 100000;
    const ancestors = new Set();
    const check = (value, depth) => {
        if (--budget < 0 || depth > 32) return false;   // deeper plain data stays text: messages stay well within the engine's depth
        if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
        if (typeof value === 'number') return Number.isFinite(value);
        if (typeof value !== 'object' || util.types.isProxy(value) || ancestors.has(value)) return false;
        const prototype = Object.getPrototypeOf(value);
        const isArray = prototype === Array.prototype || prototype === contextArrayPrototype;
        if (!isArray && prototype !== Object.prototype && prototype !== contextObjectPrototype && prototype !== null) return false;
        const keys = Object.keys(value);
        if (isArray && keys.length !== value.length) return false;   // holes or extra properties
        ancestors.add(value);
        try {
            for (const key of keys) {
                const descriptor = Object.getOwnPropertyDescriptor(value, key);
                if (!descriptor || !('value' in descriptor) || !check(descriptor.value, depth + 1)) return false;
            }
        } finally {
            ancestors.delete(value);
        }
        return true;
    };
    try {
        return check(root, 0);
    } catch {
        return false;
    }
}

function toBase64(data, what) {
    if (Buffer.isBuffer(data)) return data.toString('base64');
    if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
    if (util.types.isAnyArrayBuffer(data)) return Buffer.from(data).toString('base64');
    if (typeof data === 'string') {
        const base64 = data.replace(/^data:[^,]*;base64,/, '').replace(/\s+/g, '');
        if (/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) return base64;
    }
    throw new TypeError(`${what} expects a Buffer, a Uint8Array or a base64 string`);
}

function jsonCopy(value, what) {
    let text;
    try {
        text = JSON.stringify(value);
    } catch (failure) {
        throw new TypeError(`${what}: the value is not JSON-serializable (${failure.message})`);
    }
    if (text === undefined) throw new TypeError(`${what}: the value is not JSON-serializable`);
    return JSON.parse(text);
}

const BINARY_MIME = /^(image\/(png|jpeg|gif|webp|bmp)|application\/(pdf|octet-stream))$/;
const JSON_MIME = /^application\/(.+\+)?json$/;

/** A { mime: data } object from user code, made safe to send. */
function normalizeBundle(bundle, what) {
    if (bundle === null || typeof bundle !== 'object') throw new TypeError(`${what} must return an object of { mimeType: data }`);
    const data = {};
    for (const [mime, value] of Object.entries(bundle)) {
        if (value === undefined || value === null) continue;
        if (typeof value !== 'string' && (Buffer.isBuffer(value) || ArrayBuffer.isView(value) || util.types.isAnyArrayBuffer(value)))
            data[mime] = toBase64(value, `${what} (${mime})`);
        else if (BINARY_MIME.test(mime)) data[mime] = toBase64(value, `${what} (${mime})`);
        else if (JSON_MIME.test(mime)) data[mime] = jsonCopy(value, `${what} (${mime})`);
        else if (typeof value === 'string') data[mime] = value;
        else data[mime] = isPlainData(value) ? jsonCopy(value, what) : String(value);
    }
    return data;
}

const REPR_METHODS = [
    ['_repr_html_', 'text/html'], ['_repr_markdown_', 'text/markdown'], ['_repr_svg_', 'image/svg+xml'],
    ['_repr_png_', 'image/png'], ['_repr_jpeg_', 'image/jpeg'], ['_repr_latex_', 'text/latex'], ['_repr_json_', 'application/json'],
];

function hasMethod(value, name) {
    try {
        return typeof value[name] === 'function';
    } catch {
        return false;
    }
}

/** All the representations of a value: its _repr_ methods, util.inspect, and JSON when it is plain data. */
function bundleOf(value) {
    let data = {};
    if ((typeof value === 'object' && value !== null) || typeof value === 'function') {
        if (hasMethod(value, '_repr_mimebundle_')) data = normalizeBundle(value._repr_mimebundle_(), '_repr_mimebundle_()');
        const extra = {};
        for (const [method, mime] of REPR_METHODS)
            if (!(mime in data) && hasMethod(value, method)) extra[mime] = value[method]();
        Object.assign(data, normalizeBundle(extra, 'a _repr_*_() method'));
    }
    if (typeof data['text/plain'] !== 'string') data['text/plain'] = inspect(value);
    if (!('application/json' in data) && isPlainData(value)) {
        const text = JSON.stringify(value);
        if (text.length <= JSON_LIMIT) data['application/json'] = JSON.parse(text);
    }
    return data;
}

const BUILTIN_ERROR_NAMES = new Set(['Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'EvalError', 'URIError', 'AggregateError']);
const INTERNAL_FRAME = /\(node:|^\s*at node:|agb-step|at Generator\.(next|throw|return) \(<anonymous>\)/;

function attempt(get, fallback) {
    try {
        return get();
    } catch {
        return fallback;
    }
}

function errorName(error) {
    let name = attempt(() => error.name, undefined);
    name = typeof name === 'string' && name ? name : 'Error';
    const constructorName = attempt(() => error.constructor?.name, undefined);
    if (typeof constructorName === 'string' && constructorName && constructorName !== name && constructorName !== 'Object' &&
        BUILTIN_ERROR_NAMES.has(name) && !attempt(() => Object.prototype.hasOwnProperty.call(error, 'name'), true))
        return constructorName;   // class MyError extends Error {} keeps its own name
    return name;
}

const cellLocators = new Map();   // script filename → its rewrite's locate(line, column), for the latest cells

function rememberCell(filename, locate) {
    cellLocators.delete(filename);
    cellLocators.set(filename, locate);
    if (cellLocators.size > 500) cellLocators.delete(cellLocators.keys().next().value);
}

/** A frame's position in a cell, as the user wrote the cell (the rewrite moves columns). */
function userPosition(frame) {
    return frame.replace(/([^\s()]+):(\d+):(\d+)/g, (whole, filename, line, column) => {
        const locate = cellLocators.get(filename);
        if (!locate) return whole;
        const at = attempt(() => locate(Number(line), Number(column)), null);
        return at ? `${filename}:${at.line}:${at.column}` : whole;
    });
}

function userFrames(stack) {
    if (typeof stack !== 'string') return [];
    const lines = stack.split('\n');
    const first = lines.findIndex((line) => /^\s+at /.test(line));
    if (first < 0) return [];
    const frames = [];
    for (const line of lines.slice(first)) {
        if (!/^\s+at /.test(line)) break;
        if (!INTERNAL_FRAME.test(line) && !line.includes(__dirname + path.sep)) frames.push(userPosition(line));
    }
    return frames;
}

function isError(value) {
    return util.types.isNativeError(value) ||
        (value !== null && typeof value === 'object' && typeof attempt(() => value.stack, null) === 'string' && typeof attempt(() => value.message, null) === 'string');
}

/** { ename, evalue, traceback } for anything thrown. */
function describeError(error, depth = 0) {
    if (error instanceof CompileError) return error.describe();
    if (error?.agbInterrupt) return { ename: 'InterruptedError', evalue: error.message, traceback: [`InterruptedError: ${error.message}`] };
    if (!isError(error)) {
        const shown = attempt(() => inspect(error), String(error));
        return { ename: 'Uncaught', evalue: shown, traceback: [`Uncaught ${shown}`] };
    }
    const ename = errorName(error);
    const evalue = String(attempt(() => error.message, '') ?? '');
    const code = attempt(() => error.code, undefined);
    const header = `${ename}${typeof code === 'string' && !ename.includes(code) ? ` [${code}]` : ''}${evalue ? `: ${evalue}` : ''}`;
    const traceback = [...header.split('\n'), ...userFrames(attempt(() => error.stack, ''))];
    const extra = {};
    for (const key of attempt(() => Object.keys(error), []))
        if (!['stack', 'message', 'name', 'cause'].includes(key)) extra[key] = attempt(() => error[key], undefined);
    if (Object.keys(extra).length)
        traceback.push('    ' + attempt(() => util.inspect(extra, { breakLength: Infinity, depth: 1 }), ''));
    const errors = attempt(() => error.errors, undefined);
    if (Array.isArray(errors) && depth < 3)
        errors.slice(0, 10).forEach((inner, i) => traceback.push(`  [errors][${i}]: ${describeError(inner, depth + 1).traceback[0]}`));
    const cause = attempt(() => error.cause, undefined);
    if (cause !== undefined && depth < 3)
        traceback.push(...describeError(cause, depth + 1).traceback.map((line, i) => (i === 0 ? `Caused by: ${line}` : line)));
    return { ename, evalue, traceback };
}

/** A SyntaxError from V8's compiler: its stack starts with "file:line", the source line and a caret. */
class CompileError {
    constructor(error) { this.error = error; }

    describe() {
        const stack = String(attempt(() => this.error.stack, ''));
        const lines = stack.split('\n');
        const header = lines.findIndex((line) => line.startsWith('SyntaxError'));
        const location = header > 0 && /^[^\s()]+:\d+$/.test(lines[0]) ? lines.slice(0, header) : [];
        const evalue = String(this.error.message);
        return { ename: 'SyntaxError', evalue, traceback: [...location, `SyntaxError: ${evalue}`] };
    }
}

function describeSyntaxError(error, code, filename) {
    const line = error.loc?.line ?? 1;
    const column = error.loc?.column ?? 0;
    const source = code.split(/\r\n|\r|\n|\u2028|\u2029/)[line - 1] ?? '';
    // acorn counts columns from 0, V8's stack frames from 1: say it the way the frames do
    const message = error.message.replace(/\((\d+):(\d+)\)$/, (whole, l, c) => `(${l}:${Number(c) + 1})`);
    const traceback = [`${filename}:${line}:${column + 1}`, source, ' '.repeat(column) + '^', '', `SyntaxError: ${message}`];
    if (/'import' and 'export' may appear only/.test(error.message))
        traceback.push("Cells are scripts: use require('name'), or const m = await import('name')");
    return { ename: 'SyntaxError', evalue: message, traceback };
}

// ---- display ----------------------------------------------------------------------------------------------------

const lateDisplays = [];
let current = null;   // the running cell

function publish(data) {
    const message = { type: 'display_data', data, metadata: {} };
    if (current) send(message);
    else if (lateDisplays.length < 100) lateDisplays.push(message);   // shown with the next cell, like late output
}

function text(value, what) {
    if (typeof value !== 'string') throw new TypeError(`${what} expects a string, not ${value === null ? 'null' : typeof value}`);
    return value;
}

function display(...values) {
    for (const value of values) publish(bundleOf(value));
}
Object.assign(display, {
    html: (html) => publish({ 'text/html': text(html, 'display.html'), 'text/plain': '<HTML>' }),
    markdown: (markdown) => publish({ 'text/markdown': text(markdown, 'display.markdown'), 'text/plain': markdown }),
    svg: (svg) => publish({ 'image/svg+xml': text(svg, 'display.svg'), 'text/plain': '<SVG image>' }),
    latex: (latex) => publish({ 'text/latex': text(latex, 'display.latex'), 'text/plain': latex }),
    png: (data) => publish({ 'image/png': toBase64(data, 'display.png'), 'text/plain': '<PNG image>' }),
    jpeg: (data) => publish({ 'image/jpeg': toBase64(data, 'display.jpeg'), 'text/plain': '<JPEG image>' }),
    json: (value) => publish({ 'application/json': jsonCopy(value, 'display.json'), 'text/plain': inspect(value) }),
    mimebundle: (bundle) => {
        const data = normalizeBundle(bundle, 'display.mimebundle');
        if (typeof data['text/plain'] !== 'string') data['text/plain'] = `<${Object.keys(data).join(', ') || 'empty'} display>`;
        publish(data);
    },
});
sandbox.display = display;

// ---- interrupts -------------------------------------------------------------------------------------------------

let sigint = null;   // agb_node_sigint.js: set before ready

function interruption() {
    const error = new Error("Script execution was interrupted by SIGINT; the kernel's state was kept");
    error.agbInterrupt = true;
    return error;
}

function onSigint(cellNumber) {
    if (current && current.number === cellNumber) current.abort(interruption());
}

// ---- running a cell ---------------------------------------------------------------------------------------------

const ABORTED = Symbol('aborted');

class Cell {
    constructor(number, executionCount, filename) {
        this.number = number;
        this.filename = filename ?? `<cell-${executionCount}>`;   // a file run's stack frames name its script
        this.failure = null;   // why the cell was stopped from outside its own code
        this.aborted = new Promise((_, reject) => { this.rejectAborted = reject; });
        this.aborted.catch(() => {});
    }

    abort(error) {
        if (this.failure === null) {
            this.failure = { error };
            this.rejectAborted(ABORTED);
        }
    }

    /** Throws the reason the cell was stopped from outside, if it was. */
    check() {
        if (this.failure === null && sigint.pending()) this.abort(interruption());
        if (this.failure !== null) throw this.failure.error;
    }

    /** The awaited value, or the reason the cell was stopped while it waited. */
    async wait(value) {
        const poll = sigint.pollMs ? setInterval(() => { if (sigint.pending()) this.abort(interruption()); }, sigint.pollMs) : null;
        try {
            return await Promise.race([value, this.aborted]);
        } catch (error) {
            if (error === ABORTED) throw this.failure.error;
            throw { thrown: error };
        } finally {
            clearInterval(poll);
        }
    }
}

const RUN_OPTIONS = { breakOnSigint: true, displayErrors: false };

function step(thunk) {
    stepThunk = thunk;
    try {
        return stepScript.runInContext(context, RUN_OPTIONS);
    } finally {
        stepThunk = null;
    }
}

function interrupted(error) {
    // Node creates it in the context that was running: it is not an instance of this realm's Error
    return util.types.isNativeError(error) && error.code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED' ? interruption() : error;
}

/** Runs the cell's code; returns { hasResult, value }. */
async function runCode(cell, code) {
    const cellCode = acorn ? rewriteCell(acorn, code) : { mode: 'sync', code, lineOffset: 0, columnOffset: 0, hasResult: true };
    if (cellCode.mode === 'empty') return { hasResult: false };
    if (cellCode.locate) rememberCell(cell.filename, cellCode.locate);
    let script;
    try {
        script = new vm.Script(cellCode.code, {
            ...scriptOptions, filename: cell.filename, lineOffset: cellCode.lineOffset, columnOffset: cellCode.columnOffset,
        });
    } catch (error) {   // what acorn accepts and V8 does not (e.g. newer RegExp syntax)
        if (util.types.isNativeError(error) && error.name === 'SyntaxError') throw new CompileError(error);
        throw error;
    }
    cell.check();
    try {
        if (cellCode.mode === 'sync') return { hasResult: cellCode.hasResult, value: script.runInContext(context, RUN_OPTIONS) };
        const body = script.runInContext(context, RUN_OPTIONS);
        if (cellCode.mode === 'async') {
            const promise = step(() => body.call(contextGlobal));
            try {
                return { hasResult: cellCode.hasResult, value: await cell.wait(promise) };
            } catch (failure) {
                throw failure && typeof failure === 'object' && 'thrown' in failure ? failure.thrown : failure;
            }
        }
        const generator = body.call(contextGlobal);
        let method = 'next';
        let input;
        for (;;) {
            cell.check();
            const { done, value } = step(() => generator[method](input));
            if (done) return { hasResult: cellCode.hasResult, value };
            try {
                input = await cell.wait(value);
                method = 'next';
            } catch (failure) {
                if (!(failure && typeof failure === 'object' && 'thrown' in failure)) throw failure;
                input = failure.thrown;   // the awaited promise rejected: the cell's code gets the rejection there
                method = 'throw';
            }
        }
    } catch (error) {
        throw interrupted(error);
    }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));
let cellsRun = 0;

async function execute(line) {
    let request;
    try {
        request = JSON.parse(line);
    } catch (failure) {
        send({ type: 'error', ename: 'ProtocolError', evalue: `the request is not JSON: ${failure.message}`, traceback: [] });
        send({ type: 'done', status: 'error' });
        return;
    }
    const code = typeof request.code === 'string' ? request.code : '';
    const cell = new Cell(++cellsRun, Number.isInteger(request.execution_count) ? request.execution_count : cellsRun,
        typeof request.filename === 'string' ? request.filename : undefined);
    current = cell;
    sigint.beginCell(cell.number);
    for (const message of lateDisplays.splice(0)) send(message);
    let status = 'ok';
    let exitCode;
    try {
        if (acornProblem) throw Object.assign(new Error(acornProblem), { name: 'KernelSetupError' });
        let outcome;
        try {
            outcome = await runCode(cell, code);
        } catch (error) {
            if (error instanceof SyntaxError && error.loc && typeof error.raisedAt === 'number') {   // acorn's
                status = 'error';
                send({ type: 'error', ...describeSyntaxError(error, code, cell.filename) });
                return;
            }
            throw error;
        }
        await settle();   // unhandled rejections of this cell's promises are reported now, as its error
        cell.check();   // and a SIGINT that came after its code
        if (outcome.hasResult && outcome.value !== undefined) send({ type: 'execute_result', data: bundleOf(outcome.value) });
    } catch (error) {
        if (error instanceof ProcessExitError) {
            exitCode = exitStatus(error.exitCode);
        } else {
            status = 'error';
            send({ type: 'error', ...describeError(error) });
        }
    } finally {
        sigint.endCell();
        current = null;
        if (exitCode === undefined && status === 'ok' && process.exitCode !== undefined) exitCode = exitStatus();
        process.exitCode = undefined;   // each cell is a program of its own
        if (exitCode !== undefined && exitCode !== 0) status = 'error';
        send(exitCode === undefined ? { type: 'done', status } : { type: 'done', status, exit_code: exitCode });
    }
}

// ---- errors outside a cell's own code ---------------------------------------------------------------------------

function background(error, what) {
    if (current) {
        current.abort(error);
        return;
    }
    const { traceback } = describeError(error);
    try {
        writeAll(2, `${what}: ${traceback.join('\n')}\n`);
    } catch { /* stderr is gone */ }
}

originalOn('uncaughtException', (error) => background(error, 'Uncaught exception (after its cell ended)'));
originalOn('unhandledRejection', (reason) => background(reason, 'Unhandled promise rejection (after its cell ended)'));

// ---- main -------------------------------------------------------------------------------------------------------

async function main() {
    sigint = await watchSigint({ vm, nodeBinding, onSigint, diagnose, originalOn });
    send({ type: 'ready', runtime: `Node.js ${process.version}` });
    const queue = [];
    let busy = false;
    let ended = false;
    const pump = async () => {
        if (busy) return;
        busy = true;
        while (queue.length) await execute(queue.shift());
        busy = false;
        if (ended) realExit(0);
    };
    let input;
    try {
        input = new net.Socket({ fd: REQUESTS_FD, readable: true, writable: false });   // a pipe: no thread-pool read
    } catch {
        input = fs.createReadStream(null, { fd: REQUESTS_FD });   // e.g. a file, when run by hand
    }
    const lines = readline.createInterface({ input, crlfDelay: Infinity });
    lines.on('line', (line) => {
        if (line.trim() === '') return;
        queue.push(line);
        pump();
    });
    lines.on('close', () => {   // the supervisor closed the requests: exit once the cells already sent have run
        ended = true;
        if (!busy) realExit(0);
    });
}

main().catch((failure) => {
    diagnose(`failed: ${failure?.stack ?? failure}`);
    realExit(1);
});
