package agb;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.MethodSnippet;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.TypeDeclSnippet;
import jdk.jshell.UnresolvedReferenceException;

/**
 * AgbCode Java evaluator: JShell (local execution engine) behind the supervisor's JSON-lines protocol.
 *
 * <pre>java -Djava.security.manager=allow ... -cp CLASSES agb.JavaKernel</pre>
 *
 * Started by agb_supervisor.py with fd 3 = requests and fd 4 = messages (docs/protocol.md). A cell is split into
 * snippets (statements, declarations, imports, expressions) that JShell compiles and runs one after the other; state
 * persists across cells, a later declaration replaces an earlier one, the first failing snippet ends the cell, and the
 * value of a final expression is the cell's result. A cell made only of type declarations, one of which has a
 * {@code static void main(String[])}, runs that main, as {@code java Main.java} would.
 */
public final class JavaKernel {
    /**
     * The imports the jshell tool starts with, and the display helper. They are evaluated as one snippet (one javac
     * round instead of twelve: about 0.1 s of a kernel's start), which JShell copies whole into every later snippet's
     * wrapper, as it would the twelve. JShell knows that snippet by its first import only, one no cell needs to write;
     * a cell that writes it all the same replaces the snippet, and the others are then imported again one by one
     * ({@link #keepDefaultImports}). The helper's class comes by an on-demand import (its package's only other public
     * class is this one), which a user's own class named Display shadows; a single-type import would refuse it.
     */
    private static final String[] STARTUP = {
        "import static agb.Display.display;", "import agb.*;",
        "import java.io.*;", "import java.math.*;", "import java.net.*;", "import java.nio.file.*;", "import java.util.*;",
        "import java.util.concurrent.*;", "import java.util.function.*;", "import java.util.prefs.*;",
        "import java.util.regex.*;", "import java.util.stream.*;",
    };
    private static final String[] WARM_UP = {
        "int $agbWarm = 1;", "int $agbWarm(int n) { return n + $agbWarm; }", "class $AgbWarm { String s = \"\"; }",
        "for (int $i = 0; $i < 2; $i++) { String $s = \"x\" + $agbWarm($i); }",
        "java.util.List.of(1, 2).stream().map(i -> i * 2).collect(java.util.stream.Collectors.toList())",
    };
    private static final Pattern MAIN_METHOD = Pattern.compile(
        "\\bstatic\\s+(?:final\\s+)?void\\s+main\\s*\\(\\s*(?:final\\s+)?String\\s*(?:\\[\\s*]|\\.\\.\\.)?\\s*\\w+\\s*(?:\\[\\s*])?\\s*\\)");
    /**
     * a[i] = 1, p.x = 2, x += 1, a.b[i] <<= 2, x++, --y: updates, whose value the Python kernel would not show either
     * (JShell calls only a plain `x = 1` an assignment).
     */
    private static final String TARGET = "[\\w$]+(?:\\s*(?:\\.\\s*[\\w$]+|\\[[^\\]]*]))*";
    private static final Pattern UPDATE = Pattern.compile("(?s)(?:" + TARGET + "\\s*(?:<<|>>>|>>|[-+*/%&|^])?=(?!=).*"
        + "|(?:\\+\\+|--)\\s*" + TARGET + "\\s*;?\\s*|" + TARGET + "\\s*(?:\\+\\+|--)\\s*;?\\s*)");
    private static final int MAX_FRAMES = 60;
    private static final long RUN_REQUEST_GRACE_MS = 50;
    private static final Pattern REPL_NAME = Pattern.compile("REPL\\.\\$JShell\\$\\d+[$.]");

    private final JShell shell;
    private final DroppedSnippets dropped;
    private final SymbolTables symbols;
    private final SourceCodeAnalysis analysis;
    /**
     * Snippets of the last cell that declare nothing (expressions, statements, calls of main): dropped once the cell is
     * done, because JShell compiles every later snippet against all live ones, so each kept `1+1` makes every later run
     * slower and the heap larger.
     */
    private final List<Snippet> transients = new ArrayList<>();
    /** Where each snippet came from: JShell id → its cell and the line in the cell where it starts (-1: added by the evaluator). */
    private final Map<String, Origin> origins = new HashMap<>();

    /** A request's code: its execution count, and for a file run the script's name (null for a snippet). */
    private record Cell(int count, String file) {
        /** A line of this cell as tracebacks name it: {@code x.java:3} in a script, {@code cell 7, line 3} in a snippet. */
        String line(int line) {
            return file == null ? "cell " + count + ", line " + line : file + ":" + line;
        }
    }

    private record Origin(Cell cell, int line) {
    }

    private JavaKernel(JShell shell) {
        this.shell = shell;
        this.dropped = DroppedSnippets.of(shell);
        this.symbols = SymbolTables.of(shell);
        this.analysis = UnindexedAnalysis.of(shell);
    }

    public static void main(String[] args) throws Exception {
        Protocol.open();
        Output.install();
        ExitGuard.install();   // false on a JVM without a security manager (JDK 24+): then System.exit ends the kernel
        Thread kernel = new Thread(null, JavaKernel::serve, "agb-kernel", 64L << 20);   // javac recurses deeply
        kernel.start();
        kernel.join();
    }

    private static void serve() {
        try {
            JShell shell = JShell.builder()
                .executionEngine(Execution.provider(), Map.of())
                .out(System.out).err(System.err)
                .build();
            shell.addToClasspath(System.getProperty("java.class.path"));
            JavaKernel kernel = new JavaKernel(shell);
            kernel.importDefaults();
            installInterruptHandler();
            Protocol.send(Protocol.message("ready", "runtime", "Java " + System.getProperty("java.version") + " (JShell)"));
            kernel.warmUpUntilRequested();
            Map<String, Object> request;
            while ((request = Protocol.nextRequest()) != null) {
                Object count = request.get("execution_count");
                Object file = request.get("filename");
                kernel.execute(String.valueOf(request.getOrDefault("code", "")),
                    new Cell(count instanceof Number n ? n.intValue() : 0, file instanceof String name ? name : null));
            }
        } catch (Throwable failure) {
            PrintStream err = System.err;
            err.println("agb java evaluator failed: " + failure);
            failure.printStackTrace(err);
            Output.flushAll();
            ExitGuard.allowExit();
            Runtime.getRuntime().halt(70);
        }
        Output.flushAll();
        ExitGuard.allowExit();
        Runtime.getRuntime().halt(0);   // fd 3 closed: the session is over (user shutdown hooks are not awaited)
    }

    /** The default imports every session starts with, as JShell's own startup gives them. */
    private void importDefaults() {
        String source = String.join(" ", STARTUP);
        for (SnippetEvent event : shell.eval(source)) {
            if (event.status() == Snippet.Status.REJECTED)
                throw new IllegalStateException("startup snippet rejected: " + source);
            defaultImports = event.snippet();
        }
    }

    /** The snippet of all default imports, until a cell replaced it (then null: they are imported one by one). */
    private Snippet defaultImports;

    /** After a cell's snippet: if it replaced the default imports' snippet, the defaults it did not write come back. */
    private void keepDefaultImports() {
        if (defaultImports == null || shell.status(defaultImports).isActive())
            return;
        defaultImports = null;
        for (int i = 1; i < STARTUP.length; i++)
            shell.eval(STARTUP[i]);   // the first is the import the cell wrote
    }

    /**
     * One snippet of each kind compiled, run and dropped while no request waits, so that the first cell of a kernel
     * started ahead (a spare) does not pay for javac's warm-up. A request that arrives meanwhile ends it after the
     * snippet in hand: a kernel started for a run at once would only pay twice (about 0.7 s of CPU, measured). The
     * engine sends that run's request as soon as it reads `ready`, so the warm-up first gives it a moment to arrive.
     */
    private void warmUpUntilRequested() throws IOException, InterruptedException {
        if (Protocol.requestWaiting(RUN_REQUEST_GRACE_MS))
            return;
        List<Snippet> warmUp = new ArrayList<>();
        Execution.cell(true);
        try {
            for (String source : WARM_UP) {
                if (Protocol.requestWaiting())
                    break;
                Execution.wantValue(true);
                for (SnippetEvent event : shell.eval(source))
                    warmUp.add(event.snippet());
            }
        } finally {
            Execution.wantValue(false);
            Execution.cell(false);
        }
        for (Snippet snippet : warmUp)
            drop(snippet);   // the user's namespace starts empty
    }

    /** SIGINT (forwarded by the supervisor during a run) stops the running snippet; between cells it does nothing. */
    private static void installInterruptHandler() throws ReflectiveOperationException {
        // sun.misc.Signal by reflection: the same API, without javac's "internal proprietary API" warning
        Class<?> signal = Class.forName("sun.misc.Signal");
        Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
        Object handler = Proxy.newProxyInstance(JavaKernel.class.getClassLoader(), new Class<?>[] {handlerType},
            (proxy, method, arguments) -> switch (method.getName()) {
                case "handle" -> {
                    Execution.interrupt();   // ignores a SIGINT between cells
                    yield null;
                }
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == arguments[0];
                default -> "agb interrupt handler";
            });
        signal.getMethod("handle", signal, handlerType).invoke(null, signal.getConstructor(String.class).newInstance("INT"), handler);
    }

    // ---- one cell -----------------------------------------------------------------------------------------------

    private record Chunk(String source, int offset) {
    }

    private void execute(String code, Cell cell) {
        boolean ok = false;
        outOfMemory = false;
        exitStatus = null;
        Execution.cell(true);
        try {
            ok = run(code, cell);
        } catch (Throwable failure) {   // the evaluator itself failed (javac out of memory, ...): say so, keep going
            outOfMemory |= causedByOutOfMemory(failure);
            if (outOfMemory)
                reserve = null;
            try {
                sendError(failure.getClass().getName(), String.valueOf(failure.getMessage()), outOfMemoryNote(List.of(failure.toString())));
            } catch (Throwable ignored) {
                // nothing more can be said
            }
        } finally {
            Execution.cell(false);
            Execution.wantValue(false);
        }
        if (Execution.interrupted())
            Output.install();   // a stopped thread may have been inside a PrintStream
        if (!outOfMemory)
            keepReserve();
        if (exitStatus == null)
            Protocol.send(Protocol.message("done", "status", ok ? "ok" : "error"));
        else
            Protocol.send(Protocol.message("done", "status", exitStatus == 0 ? "ok" : "error", "exit_code", exitStatus));
        dropTransients();   // after "done": the result does not wait for it
    }

    private void noteTransient(Snippet snippet) {
        if (DroppedSnippets.declaresNothing(snippet))
            transients.add(snippet);
    }

    /**
     * Their classes stay loaded and their origins known (a lambda a statement made may still run and fail in a later
     * cell); JShell just stops compiling against them.
     */
    private void dropTransients() {
        try {
            for (Snippet snippet : transients) {
                if (shell.status(snippet).isActive())
                    drop(snippet);
            }
            symbols.prune();
        } catch (RuntimeException failure) {   // dropping is housekeeping: a failure costs speed, not the session
            System.err.println("agb java evaluator: could not drop a finished snippet: " + failure);
        } finally {
            transients.clear();
        }
    }

    private void drop(Snippet snippet) {
        shell.drop(snippet);
        dropped.forget(snippet);
    }

    /** The status of the System.exit that ended this cell, as `java Main.java` would exit with it; null when none did. */
    private Integer exitStatus;

    /**
     * Heap held back for the evaluator: when user code fills the heap (and a variable keeps it full), this much is freed
     * so that the next cells still compile, e.g. the one that sets that variable to null. Taken again after a cell
     * that ends with enough free heap.
     */
    private static final int RESERVE_BYTES = 16 << 20;
    private static byte[] reserve = new byte[RESERVE_BYTES];
    private boolean outOfMemory;

    private static void keepReserve() {
        if (reserve != null)
            return;
        Runtime runtime = Runtime.getRuntime();
        long free = runtime.maxMemory() - runtime.totalMemory() + runtime.freeMemory();
        if (free < 4L * RESERVE_BYTES)
            return;
        try {
            reserve = new byte[RESERVE_BYTES];
        } catch (OutOfMemoryError stillFull) {
            // taken after a later cell
        }
    }

    private static boolean causedByOutOfMemory(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError || String.valueOf(t.getMessage()).contains("OutOfMemoryError"))
                return true;
        }
        return false;
    }

    private List<String> outOfMemoryNote(List<String> traceback) {
        if (!outOfMemory)
            return traceback;
        List<String> lines = new ArrayList<>(traceback);
        lines.add("note: the kernel is still running, with its state. Variables that still reference the data keep the "
            + "heap full: set them to null to free it (max heap " + (Runtime.getRuntime().maxMemory() >> 20) + " MB).");
        return lines;
    }

    /** Runs the cell's snippets in order; false (after sending the error) when one fails. */
    private boolean run(String code, Cell cell) {
        String text = withoutPackageDeclaration(code);
        List<Chunk> chunks = split(text);
        boolean onlyTypes = !chunks.isEmpty();
        List<TypeDeclSnippet> types = new ArrayList<>();
        List<DeclarationSnippet> unresolved = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) {
            Chunk chunk = chunks.get(i);
            boolean last = i == chunks.size() - 1;
            Execution.wantValue(last);
            List<SnippetEvent> events = shell.eval(chunk.source());
            keepDefaultImports();
            SnippetEvent shown = null;
            for (SnippetEvent event : events) {
                if (event.causeSnippet() != null)
                    continue;   // a dependent snippet updated because of this one
                Snippet snippet = event.snippet();
                origins.put(snippet.id(), new Origin(cell, lineOf(code, chunk.offset())));
                noteTransient(snippet);
                if (event.status() == Snippet.Status.REJECTED) {
                    if (Execution.interrupted())
                        return interrupted(null);
                    compilationError(snippet, chunk, code, cell);
                    return false;
                }
                if (event.exception() != null) {
                    runtimeError(event.exception());
                    return false;
                }
                if (Execution.interrupted())
                    return interrupted(null);
                if (snippet instanceof DeclarationSnippet declaration && isRecoverable(event.status()))
                    unresolved.add(declaration);
                switch (snippet.kind()) {
                    case IMPORT -> { }
                    case TYPE_DECL -> types.add((TypeDeclSnippet) snippet);
                    default -> onlyTypes = false;
                }
                shown = event;
            }
            if (Execution.interrupted())
                return interrupted(null);
            Object json = Execution.takeJson();
            if (last && shown != null && isShownValue(shown))
                Protocol.send(Protocol.message("execute_result", "data", json == null
                    ? Map.of("text/plain", shown.value())
                    : Map.of("text/plain", shown.value(), "application/json", json)));
        }
        noteUnresolved(unresolved);
        if (onlyTypes)
            return runMain(types, cell);
        return true;
    }

    private static boolean isRecoverable(Snippet.Status status) {
        return status == Snippet.Status.RECOVERABLE_DEFINED || status == Snippet.Status.RECOVERABLE_NOT_DEFINED;
    }

    /** A cell that is a whole program (only imports and types, one with main): run it, like `java Main.java`. */
    private boolean runMain(List<TypeDeclSnippet> types, Cell cell) {
        for (TypeDeclSnippet type : types) {
            if (!MAIN_METHOD.matcher(type.source()).find())
                continue;
            Execution.wantValue(false);
            for (SnippetEvent event : shell.eval(type.name() + ".main(new String[0]);")) {
                if (event.causeSnippet() != null)
                    continue;
                origins.put(event.snippet().id(), new Origin(cell, -1));
                noteTransient(event.snippet());
                if (Execution.interrupted())
                    return interrupted(null);
                if (event.status() == Snippet.Status.REJECTED)
                    return true;   // not a runnable main after all (not static, not accessible): the types are defined
                if (event.exception() != null) {
                    runtimeError(event.exception());
                    return false;
                }
            }
            return true;
        }
        return true;
    }

    private boolean isShownValue(SnippetEvent event) {
        Snippet snippet = event.snippet();
        boolean expression = switch (snippet.subKind()) {
            case TEMP_VAR_EXPRESSION_SUBKIND, VAR_VALUE_SUBKIND -> true;
            default -> false;   // declarations, assignments, statements, void calls
        };
        return expression && event.value() != null && !UPDATE.matcher(withoutLeadingComments(snippet.source())).matches();
    }

    /**
     * The cell as snippets, each with its offset in the cell. Leading blanks and comments are left out: JShell counts
     * the lines of some snippet kinds from their first line of code and of others from their first character.
     */
    private List<Chunk> split(String text) {
        List<Chunk> chunks = new ArrayList<>();
        for (Chunk chunk : snippets(text)) {
            int start = codeStart(chunk.source());
            if (start < chunk.source().length())
                chunks.add(new Chunk(chunk.source().substring(start), chunk.offset() + start));
        }
        return chunks;
    }

    private List<Chunk> snippets(String text) {
        List<Chunk> chunks = new ArrayList<>();
        String remaining = text;
        int offset = 0;
        while (!remaining.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
            switch (info.completeness()) {
                case EMPTY:
                    return chunks;
                case DEFINITELY_INCOMPLETE:
                case CONSIDERED_INCOMPLETE:
                    chunks.add(new Chunk(remaining, offset));   // the compiler says what is missing
                    return chunks;
                default:
                    int consumed = remaining.length() - info.remaining().length();
                    if (consumed <= 0 || info.source() == null) {
                        chunks.add(new Chunk(remaining, offset));
                        return chunks;
                    }
                    chunks.add(new Chunk(info.source(), offset));
                    offset += consumed;
                    remaining = info.remaining();
            }
        }
        return chunks;
    }

    // ---- errors -------------------------------------------------------------------------------------------------

    private void compilationError(Snippet snippet, Chunk chunk, String code, Cell cell) {
        List<Diag> errors = shell.diagnostics(snippet).filter(Diag::isError).collect(Collectors.toList());
        Set<String> messages = new LinkedHashSet<>();
        List<String> traceback = new ArrayList<>();
        for (Diag diag : errors) {
            // the wrapper class JShell compiles a snippet in has no name to show
            String message = clean(diag.getMessage(Locale.ROOT)).replaceAll("\\n\\s*location: class\\s*(?=\\n|$)", "");
            messages.add(message);
            long position = diag.getPosition() >= 0 ? diag.getPosition() : diag.getStartPosition();
            int at = chunk.offset() + (int) Math.max(0, Math.min(position, chunk.source().length()));
            at = Math.min(at, code.length());
            int lineStart = code.lastIndexOf('\n', at - 1) + 1;
            int lineEnd = code.indexOf('\n', at);
            String line = code.substring(lineStart, lineEnd < 0 ? code.length() : lineEnd);
            String[] messageLines = message.split("\n");
            traceback.add(cell.line(lineOf(code, at)) + ", column " + (at - lineStart + 1) + ": error: " + messageLines[0]);
            for (int i = 1; i < messageLines.length; i++)
                traceback.add(messageLines[i]);
            traceback.add("    " + line);
            traceback.add("    " + line.substring(0, Math.min(at - lineStart, line.length())).replaceAll("[^\t]", " ") + "^");
        }
        if (messages.isEmpty())
            messages.add("the snippet was rejected: " + snippet.source().strip());
        sendError("CompilationError", String.join("\n", messages), traceback);
    }

    private void runtimeError(JShellException exception) {
        if (exception instanceof UnresolvedReferenceException unresolved) {
            DeclarationSnippet snippet = unresolved.getSnippet();
            List<String> needs = shell.unresolvedDependencies(snippet).collect(Collectors.toList());
            String value = describe(snippet) + " cannot be " + (snippet.kind() == Snippet.Kind.METHOD ? "invoked" : "used")
                + " until " + (needs.isEmpty() ? "its dependencies are" : String.join(" and ", needs) + (needs.size() > 1 ? " are" : " is"))
                + " declared";
            List<String> traceback = new ArrayList<>();
            traceback.add("UnresolvedReferenceException: " + value);
            frames(unresolved.getStackTrace(), traceback);
            sendError("UnresolvedReferenceException", value, traceback);
            return;
        }
        EvalException thrown = (EvalException) exception;
        String className = thrown.getExceptionClassName();
        if (Execution.Interrupted.class.getName().equals(className)) {
            interrupted(thrown);
            return;
        }
        if (className.equals(OutOfMemoryError.class.getName())) {
            outOfMemory = true;
            reserve = null;   // the next cells must still compile
        }
        if (ExitGuard.SystemExit.class.getName().equals(className)) {
            exitStatus = ExitGuard.lastStatus();   // the program's verdict, not an error
            return;
        }
        String name = clean(className);
        List<String> traceback = new ArrayList<>();
        String value = describeThrown(thrown, name, traceback);
        Throwable cause = thrown.getCause();
        for (int depth = 0; cause != null && depth < 20; depth++, cause = cause.getCause()) {
            String causeName = cause instanceof EvalException evalCause ? clean(evalCause.getExceptionClassName()) : cause.getClass().getName();
            List<String> lines = new ArrayList<>();
            describeThrown(cause, causeName, lines);
            lines.set(0, "Caused by: " + lines.get(0));
            traceback.addAll(lines);
        }
        sendError(name, value, outOfMemoryNote(traceback));
    }

    private String describeThrown(Throwable thrown, String name, List<String> traceback) {
        String value = thrown.getMessage() == null ? "" : clean(thrown.getMessage());
        String fullName = thrown instanceof EvalException eval ? eval.getExceptionClassName() : thrown.getClass().getName();
        if (value.equals(clean(fullName)))
            value = "";   // JShell uses toString() as the message of an exception that has none
        traceback.add(value.isEmpty() ? name : name + ": " + value);
        frames(thrown.getStackTrace(), traceback);
        return value;
    }

    private boolean interrupted(EvalException thrown) {
        List<String> traceback = new ArrayList<>();
        traceback.add("Interrupted: the cell was interrupted (SIGINT); the kernel's state was kept");
        if (thrown != null)
            frames(thrown.getStackTrace(), traceback);
        sendError("Interrupted", "the cell was interrupted; the kernel's state was kept", traceback);
        return false;
    }

    /**
     * Stack frames, with snippet locations as cell and line; the evaluator's own frames left out, a run of one
     * repeated frame (recursion) folded, at most MAX_FRAMES shown.
     */
    private void frames(StackTraceElement[] stack, List<String> traceback) {
        List<String> lines = new ArrayList<>();
        for (StackTraceElement frame : stack) {
            String line = frame(frame);
            if (line != null)
                lines.add(line);
        }
        int shown = 0;
        for (int i = 0; i < lines.size(); ) {
            int run = 1;
            while (i + run < lines.size() && lines.get(i + run).equals(lines.get(i)))
                run++;
            if (shown == MAX_FRAMES) {
                traceback.add("\t... " + (lines.size() - i) + " more");
                return;
            }
            traceback.add(lines.get(i));
            shown++;
            if (run > 1)
                traceback.add("\t[the frame above repeated " + (run - 1) + " more times]");
            i += run;
        }
    }

    private String frame(StackTraceElement frame) {
        String file = frame.getFileName();
        String where = frame.getClassName().isEmpty() ? frame.getMethodName()
            : frame.getMethodName().isEmpty() ? frame.getClassName() : frame.getClassName() + "." + frame.getMethodName();
        if (file != null && file.startsWith("#")) {
            Origin origin = origins.get(file.substring(1));
            if (origin == null)
                return "\tat " + clean(where) + "(" + file + ":" + frame.getLineNumber() + ")";
            if (origin.line() < 0)
                return null;   // the call of main the evaluator added
            return "\tat " + clean(where) + "(" + origin.cell().line(origin.line() + frame.getLineNumber() - 1) + ")";
        }
        String className = frame.getClassName();
        if (className.startsWith("agb.") && !className.startsWith("agb.Display"))
            return null;
        return "\tat " + clean(frame.toString());
    }

    /** Declarations of the cell that still miss something it did not declare either: a note on stderr, as jshell says. */
    private void noteUnresolved(List<DeclarationSnippet> declarations) {
        for (DeclarationSnippet snippet : declarations) {
            Snippet.Status status = shell.status(snippet);
            List<String> needs = shell.unresolvedDependencies(snippet).collect(Collectors.toList());
            if (!isRecoverable(status) || needs.isEmpty())
                continue;
            System.err.println("note: " + describe(snippet) + (status == Snippet.Status.RECOVERABLE_DEFINED
                ? " was defined, but cannot be " + (snippet.kind() == Snippet.Kind.METHOD ? "invoked" : "used")
                : " was declared, but cannot be used")
                + " until " + String.join(" and ", needs) + (needs.size() > 1 ? " are" : " is") + " declared");
        }
    }

    private static String describe(DeclarationSnippet snippet) {
        return switch (snippet.kind()) {
            case METHOD -> "method " + snippet.name() + "(" + ((MethodSnippet) snippet).parameterTypes() + ")";
            case TYPE_DECL -> "class " + snippet.name();
            case VAR -> "variable " + snippet.name();
            default -> snippet.name();
        };
    }

    private static void sendError(String name, String value, List<String> traceback) {
        Protocol.send(Protocol.message("error", "ename", name, "evalue", value, "traceback", traceback));
    }

    // ---- text helpers -------------------------------------------------------------------------------------------

    /** JShell's wrapper names ("REPL.$JShell$12$Point", "REPL.$JShell$7.counter") as the user wrote them. */
    private static String clean(String text) {
        return text == null ? "" : REPL_NAME.matcher(text).replaceAll("");
    }

    private static int lineOf(String code, int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < code.length(); i++) {
            if (code.charAt(i) == '\n')
                line++;
        }
        return line;
    }

    /** Index of the first character that is neither blank nor inside a comment. */
    private static int codeStart(String text) {
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (text.startsWith("//", i)) {
                int end = text.indexOf('\n', i);
                i = end < 0 ? text.length() : end + 1;
            } else if (text.startsWith("/*", i)) {
                int end = text.indexOf("*/", i + 2);
                i = end < 0 ? text.length() : end + 2;
            } else {
                break;
            }
        }
        return i;
    }

    private static String withoutLeadingComments(String text) {
        return text.substring(codeStart(text));
    }

    private static final Pattern PACKAGE = Pattern.compile("package\\s+[\\w.\\s]+;");

    /** A pasted program's `package x.y;` is blanked (JShell has no packages); offsets and lines stay the same. */
    private static String withoutPackageDeclaration(String code) {
        int start = codeStart(code);
        Matcher matcher = PACKAGE.matcher(code).region(start, code.length());
        if (!matcher.lookingAt())
            return code;
        StringBuilder text = new StringBuilder(code);
        for (int i = start; i < matcher.end(); i++) {
            if (text.charAt(i) != '\n')
                text.setCharAt(i, ' ');
        }
        return text.toString();
    }
}
