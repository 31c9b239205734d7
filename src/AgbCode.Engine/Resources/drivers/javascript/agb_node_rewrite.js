'use strict';
/**
 * AgbCode JavaScript kernel: turns a notebook cell into code for one persistent vm context (parsed with acorn).
 *
 *   rewriteCell(acorn, code) → { mode, code, lineOffset, columnOffset, hasResult, locate }   (throws acorn's SyntaxError)
 *
 * locate(line, column) maps a position V8 reports in the script back to the cell as the user wrote it.
 *
 * mode 'empty'  nothing to run (comments only).
 * mode 'sync'   no top-level await: the cell runs as a vm.Script. Top-level `let`/`const` become `var` and
 *               `class C {}` becomes `var C = class C {};`, so a re-run cell may declare them again; the script's
 *               completion value is the cell's value.
 * mode 'gen'    top-level await: like Node's REPL (lib/internal/repl/await.js), declarations are hoisted to `var`s of
 *               the context and turned into assignments, but the body becomes a *generator* with each top-level
 *               `await x` turned into `(yield x)`: the evaluator resumes it step by step, each step inside
 *               runInContext with breakOnSigint, so code after an await can still be interrupted. The last
 *               expression statement becomes `return (expr)`.
 * mode 'async'  the same with an async function instead, for cells with a top-level `for await` (which has no
 *               generator form); only its first step runs under breakOnSigint.
 * A cell that is `{ … }` and parses as an expression is an object literal, as in Node's REPL.
 */

const PARSE_OPTIONS = { ecmaVersion: 'latest', sourceType: 'script', allowHashBang: true };
const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

function parse(acorn, code) {
    try {
        return acorn.parse(code, { ...PARSE_OPTIONS, allowAwaitOutsideFunction: true });
    } catch (withAwait) {
        try {
            return acorn.parse(code, PARSE_OPTIONS);   // `await` used as a plain identifier in a sloppy script
        } catch {
            throw withAwait;
        }
    }
}

/** The AST's child nodes, with the key each one sits under. */
function* children(node) {
    for (const key of Object.keys(node)) {
        if (key === 'type' || key === 'start' || key === 'end' || key === 'loc') continue;
        const value = node[key];
        if (Array.isArray(value)) {
            for (const child of value) if (child && typeof child.type === 'string') yield [child, key];
        } else if (value && typeof value.type === 'string') {
            yield [value, key];
        }
    }
}

/** Calls visit(node, parent, key, depth) for every node of the cell's own scope (not inside functions). */
function walkTopScope(program, visit) {
    const stack = [[program, null, null, 0]];
    while (stack.length) {
        const [node, parent, key, depth] = stack.pop();
        visit(node, parent, key, depth);
        if (node !== program && (FUNCTIONS.has(node.type) || node.type === 'StaticBlock')) continue;
        const list = [...children(node)];
        for (let i = list.length - 1; i >= 0; i--) {
            const [child, childKey] = list[i];
            if (node.type === 'PropertyDefinition' && childKey === 'value') continue;   // a class field: its own scope
            stack.push([child, node, childKey, depth + 1]);
        }
    }
}

function bindingNames(pattern, names) {
    if (!pattern) return names;
    switch (pattern.type) {
        case 'Identifier': names.push(pattern.name); break;
        case 'ObjectPattern': for (const p of pattern.properties) bindingNames(p.type === 'RestElement' ? p.argument : p.value, names); break;
        case 'ArrayPattern': for (const e of pattern.elements) bindingNames(e, names); break;
        case 'RestElement': bindingNames(pattern.argument, names); break;
        case 'AssignmentPattern': bindingNames(pattern.left, names); break;
    }
    return names;
}

class Edits {
    constructor() { this.list = []; }
    replace(start, end, text) { this.list.push({ start, end, text, rank: 2, depth: 0 }); }
    open(at, text, depth) { this.list.push({ start: at, end: at, text, rank: 1, depth }); }
    close(at, text, depth) { this.list.push({ start: at, end: at, text, rank: 0, depth: -depth }); }
    /** The edited code, and in this.segments where each copied piece of the original code went. */
    apply(code) {
        // At one position: what closes (innermost first), then what opens (outermost first), then replacements.
        const sorted = this.list.map((e, i) => ({ ...e, i }))
            .sort((a, b) => a.start - b.start || a.rank - b.rank || a.depth - b.depth || a.i - b.i);
        let out = '';
        let cursor = 0;
        this.segments = [];
        const copy = (end) => {
            if (end > cursor) this.segments.push({ out: out.length, source: cursor, length: end - cursor });
            out += code.slice(cursor, end);
        };
        for (const edit of sorted) {
            copy(edit.start);
            out += edit.text;
            cursor = Math.max(cursor, edit.end);
        }
        copy(code.length);
        return out;
    }
}

function lineStarts(text) {
    const starts = [0];
    const pattern = /\r\n|\r|\n|\u2028|\u2029/g;
    for (let match; (match = pattern.exec(text));) starts.push(match.index + match[0].length);
    return starts;
}

/**
 * locate(line, column) for positions V8 reports in the script (1-based, after lineOffset / columnOffset): where that
 * is in the cell as the user wrote it, so stack frames point at the user's own columns.
 */
function locator(source, script, head, segments, sourceShift, lineOffset, columnOffset) {
    const scriptLines = lineStarts(script);
    const sourceLines = lineStarts(source);
    return (line, column) => {
        const scriptLine = line - lineOffset;
        const scriptColumn = column - (scriptLine === 1 ? columnOffset : 0);
        if (scriptLine < 1 || scriptLine > scriptLines.length) return { line, column };
        const offset = scriptLines[scriptLine - 1] + scriptColumn - 1 - head;
        let mapped = null;
        for (const segment of segments) {
            if (offset < segment.out) { mapped = segment.source; break; }   // inside inserted text: where it was inserted
            if (offset < segment.out + segment.length) { mapped = segment.source + offset - segment.out; break; }
        }
        if (offset < 0 || mapped === null) return { line, column };
        mapped = Math.max(0, Math.min(source.length, mapped - sourceShift));
        let index = sourceLines.length - 1;
        while (sourceLines[index] > mapped) index--;
        return { line: index + 1, column: mapped - sourceLines[index] + 1 };
    };
}

function lastStatement(program) {
    for (let i = program.body.length - 1; i >= 0; i--)
        if (program.body[i].type !== 'EmptyStatement') return program.body[i];
    return null;
}

function rewriteSync(program, code) {
    const edits = new Edits();
    for (const statement of program.body) {
        if (statement.type === 'VariableDeclaration' && (statement.kind === 'let' || statement.kind === 'const')) {
            // `const` → `var  ` keeps every column where it was; `let x;` resets x when the cell runs again.
            edits.replace(statement.start, statement.start + statement.kind.length, statement.kind === 'let' ? 'var' : 'var  ');
            for (const declarator of statement.declarations)
                if (!declarator.init) edits.close(declarator.end, ' = void 0', 1);
        } else if (statement.type === 'ClassDeclaration') {
            edits.open(statement.start, `var ${statement.id.name} = `, 1);
            edits.close(statement.end, ';', 1);
        }
    }
    const last = lastStatement(program);
    const script = edits.apply(code);
    return { mode: 'sync', code: script, head: 0, segments: edits.segments, lineOffset: 0, columnOffset: 0, hasResult: last?.type === 'ExpressionStatement' };
}

function rewriteAwait(program, code, useGenerator) {
    const edits = new Edits();
    const hoisted = new Set();
    const exported = [];

    walkTopScope(program, (node, parent, key, depth) => {
        if (node.type === 'VariableDeclaration') {
            const topLevel = parent === program;
            if (node.kind !== 'var' && !(topLevel && (node.kind === 'let' || node.kind === 'const'))) return;
            for (const declarator of node.declarations) bindingNames(declarator.id, []).forEach((n) => hoisted.add(n));
            const keyword = [node.start, node.start + node.kind.length];
            if ((parent.type === 'ForInStatement' || parent.type === 'ForOfStatement') && key === 'left') {
                edits.replace(...keyword, '');                   // for (var x of xs) → for ( x of xs)
                return;
            }
            edits.replace(...keyword, parent.type === 'ForStatement' && key === 'init' ? '' : 'void 0, ');
            for (const declarator of node.declarations) {
                edits.open(declarator.start, '(', depth + 1);
                if (!declarator.init && node.kind !== 'var') edits.close(declarator.end, ' = void 0', depth + 2);
                edits.close(declarator.end, ')', depth + 1);
            }
        } else if (node.type === 'ClassDeclaration' && parent === program) {
            hoisted.add(node.id.name);
            edits.open(node.start, `void 0, ${node.id.name} = `, depth);
            edits.close(node.end, ';', depth);
        } else if (node.type === 'FunctionDeclaration' && parent === program) {
            exported.push(node.id.name);
        } else if (node.type === 'AwaitExpression' && useGenerator) {
            edits.replace(node.start, node.start + 'await'.length, '(yield');
            edits.close(node.end, ')', depth);
        }
    });

    const last = lastStatement(program);
    const hasResult = last?.type === 'ExpressionStatement';
    if (hasResult) {
        edits.open(last.start, 'return (', 0);
        edits.close(last.expression.end, ')', 0);
    }
    // Functions are hoisted inside the wrapper; publish them on the context's global at its start (after any
    // directive prologue, which must stay first).
    const publish = exported.map((name) => `this.${name} = ${name};`).join(' ');
    let prologueEnd = -1;
    for (const statement of program.body) {
        if (statement.type === 'ExpressionStatement' && typeof statement.directive === 'string') prologueEnd = statement.end;
        else break;
    }
    if (publish && prologueEnd >= 0) edits.close(prologueEnd, ' ' + publish, 0);

    const head = (hoisted.size ? `var ${[...hoisted].join(', ')}; ` : '') +
        (useGenerator ? '(function* () {' : '(async function () {') + (publish && prologueEnd < 0 ? ' ' + publish : '');
    return {
        mode: useGenerator ? 'gen' : 'async',
        code: `${head}\n${edits.apply(code)}\n})`,
        head: head.length + 1,
        segments: edits.segments,
        lineOffset: -1,   // the wrapper's head is a line of its own: the cell's line 1 is the script's line 2
        columnOffset: 0,
        hasResult,
    };
}

/**
 * A cell with `import` and `export` declarations, as a script: each import becomes a top-level `await import()` bound to
 * the same names (what Node's REPL asks its users to write instead), each export the declaration it exports. Null when
 * the cell has none, or does not parse as a module either. A replacement keeps the lines it replaces.
 */
function modulesAsScript(acorn, code) {
    let program;
    try {
        program = acorn.parse(code, { ...PARSE_OPTIONS, sourceType: 'module', allowAwaitOutsideFunction: true });
    } catch {
        return null;
    }
    const edits = new Edits();
    let changed = false;
    for (const node of program.body) {
        const text = moduleStatementAsScript(node, code);
        if (text === null)
            continue;
        const lines = lineStarts(code.slice(node.start, node.end)).length - 1;
        edits.replace(node.start, node.end, text + '\n'.repeat(lines));
        changed = true;
    }
    return changed ? edits.apply(code) : null;
}

function moduleStatementAsScript(node, code) {
    const text = (part) => code.slice(part.start, part.end);
    switch (node.type) {
        case 'ImportDeclaration': {
            const loaded = `await import(${JSON.stringify(node.source.value)})`;
            const named = [];
            let namespace = null;
            for (const specifier of node.specifiers) {
                if (specifier.type === 'ImportNamespaceSpecifier') namespace = specifier.local.name;
                else if (specifier.type === 'ImportDefaultSpecifier') named.push(`default: ${specifier.local.name}`);
                else named.push(`${JSON.stringify(specifier.imported.name ?? specifier.imported.value)}: ${specifier.local.name}`);
            }
            const binding = named.length ? `const { ${named.join(', ')} } = ` : '';
            if (namespace === null)
                return `${binding}${loaded};`;
            return `const ${namespace} = ${loaded};` + (binding ? ` ${binding}${namespace};` : '');
        }
        case 'ExportNamedDeclaration':
            return node.declaration ? text(node.declaration) : '';   // `export { a }`: a is bound already
        case 'ExportDefaultDeclaration':
            return node.declaration.id ? text(node.declaration) : `(${text(node.declaration)});`;
        case 'ExportAllDeclaration':
            return '';
        default:
            return null;
    }
}

function rewriteCell(acorn, source) {
    let original = source.startsWith('#!') ? '//' + source.slice(2) : source;
    let code = original;
    let shift = 0;
    let program = null;
    if (/^\s*\{/.test(code) && !/;\s*$/.test(code)) {
        try {
            const wrapped = `(${code}\n)`;
            program = parse(acorn, wrapped);
            code = wrapped;
            shift = 1;
        } catch {
            program = null;   // a block statement after all
        }
    }
    if (program === null) {
        try {
            program = parse(acorn, code);
        } catch (asScript) {
            const script = modulesAsScript(acorn, code);
            if (script === null)
                throw asScript;
            code = original = script;   // lines kept: locations still name the user's lines
            program = parse(acorn, code);
        }
    }
    if (lastStatement(program) === null)
        return { mode: 'empty', code: '', lineOffset: 0, columnOffset: 0, hasResult: false, locate: (line, column) => ({ line, column }) };

    let topLevelAwait = false;
    let forAwait = false;
    walkTopScope(program, (node) => {
        if (node.type === 'AwaitExpression') topLevelAwait = true;
        if (node.type === 'ForOfStatement' && node.await) topLevelAwait = forAwait = true;
    });
    const result = topLevelAwait ? rewriteAwait(program, code, !forAwait) : rewriteSync(program, code);
    if (result.lineOffset === 0) result.columnOffset = -shift;   // a wrapped object literal: its `(` is not the user's
    result.locate = locator(original, result.code, result.head, result.segments, shift, result.lineOffset, result.columnOffset);
    delete result.segments;
    delete result.head;
    return result;
}

module.exports = { rewriteCell };
