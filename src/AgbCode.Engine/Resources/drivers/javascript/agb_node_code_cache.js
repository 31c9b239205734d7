'use strict';
/**
 * AgbCode JavaScript kernel: its own modules (acorn, agb_node_rewrite.js) loaded with V8's code cache, so a kernel does
 * not compile them at every start (acorn alone is about 9 ms of CPU of a ~65 ms start).
 *
 *     node agb_node_code_cache.js      (JavaScriptDriver.Prepare, when the runtime is installed)
 *
 * runs sample cells through the rewriter, so that the functions a first cell needs are compiled too, then writes
 * FILE.v8cache beside each module. V8 takes a cache only from the same node binary, source and V8 flags: it is made
 * with none, as the evaluator runs once it has put its heap flag back (agb_node_evaluator.js, at its top); with
 * another node, or without a cache, the kernel compiles from source as before.
 */
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const Module = require('module');

const CACHE_SUFFIX = '.v8cache';
const scripts = new Map();   // file -> its vm.Script, to write its cache

function readCache(file) {
    try {
        return fs.readFileSync(file + CACHE_SUFFIX);
    } catch {
        return undefined;
    }
}

/** The module.exports of a CommonJS file that requires nothing but Node built-ins, compiled with its cache if V8 takes it. */
function requireCached(file) {
    const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData: readCache(file) });
    scripts.set(file, script);
    const module = { exports: {}, id: file, filename: file, loaded: false };
    script.runInThisContext()(module.exports, require, module, file, path.dirname(file));
    module.loaded = true;
    return module.exports;
}

const ACORN = path.join(__dirname, 'node_modules', 'acorn', 'dist', 'acorn.js');
const REWRITE = path.join(__dirname, 'agb_node_rewrite.js');

/** Cells of each kind the rewriter knows (sync, await, a generator for declarations after await, empty, an error). */
const SAMPLES = [
    'const a = 1; let b = [a, `t${a}`]; class C { m() { return this; } } function f(x) { return x * 2; } f(b.length)',
    'const r = await Promise.resolve(2); const { p: [q] } = { p: [r] }; for (const x of [q]) console.log(x); r',
    'let n = 0; async function g() { n++; } await g(); var v = n; class D extends Array {} v',
    '// only a comment',
    'const = ;',
];

function writeCaches() {
    const acorn = requireCached(ACORN);
    const { rewriteCell } = requireCached(REWRITE);
    for (const sample of SAMPLES) {
        try {
            rewriteCell(acorn, sample);
        } catch { /* the syntax error is a sample too */ }
    }
    for (const [file, script] of scripts) {
        const temporary = `${file}${CACHE_SUFFIX}.${process.pid}`;
        fs.writeFileSync(temporary, script.createCachedData());
        fs.renameSync(temporary, file + CACHE_SUFFIX);
    }
}

if (require.main === module) writeCaches();

module.exports = { requireCached, ACORN, REWRITE };
