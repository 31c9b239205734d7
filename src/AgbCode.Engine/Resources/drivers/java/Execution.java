package agb;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;

import jdk.jshell.execution.LocalExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * Runs the snippets JShell compiled, in this JVM (JShell's local execution engine), each on a fresh thread so that an
 * interrupt can stop it while the evaluator and JShell's state live on; System.exit in user code becomes an error.
 *
 * <p>Unlike JShell's own local engine, a snippet ends when its own thread does (threads it started keep running, as
 * in the Python kernel), and the value string (the user's toString) is only computed for a cell's last snippet.
 */
final class Execution extends LocalExecutionControl {
    /** Stack of the thread that runs a snippet: deep recursion works as in a program's main thread with -Xss16m. */
    private static final long SNIPPET_STACK = 16L << 20;
    private static final Object LOCK = new Object();
    private static boolean cellActive;
    private static boolean interrupted;
    private static Thread running;
    private static StackTraceElement[] stoppedAt;
    private static boolean wantValue;
    /** The last shown value as JSON data (PlainJson), or null. */
    private static volatile Object lastJson;
    /** Elements of an array its text shows (shown). */
    static final int SHOWN_ELEMENTS = 1000;
    /** The engine JShell made (it makes one per JShell, and the evaluator makes one JShell). */
    private static volatile Execution current;

    static ExecutionControlProvider provider() {
        return new ExecutionControlProvider() {
            @Override
            public String name() {
                return "agb-local";
            }

            @Override
            public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
                Execution execution = new Execution();
                current = execution;
                return execution;
            }
        };
    }

    /** A cell starts or ends: interrupts count only in between. */
    static void cell(boolean active) {
        synchronized (LOCK) {
            cellActive = active;
            interrupted = false;
            stoppedAt = null;
        }
    }

    /** Whether the next snippet's value is wanted (its toString runs only then). */
    static void wantValue(boolean wanted) {
        wantValue = wanted;
    }

    /** The JSON data of the value the last snippet showed, once; null when it was not plain data. */
    static Object takeJson() {
        Object json = lastJson;
        lastJson = null;
        return json;
    }

    /**
     * Lets go of the value a dropped expression kept in its wrapper's temporary field ("$5"): the class stays loaded,
     * so without this every value a cell showed stayed on the heap for the session's life.
     */
    static void forgetValue(String wrapper, String field) {
        Execution execution = current;
        if (execution == null)
            return;
        try {
            Field value = execution.findClass(wrapper).getDeclaredField(field);
            if (Modifier.isStatic(value.getModifiers()) && !value.getType().isPrimitive()) {
                value.setAccessible(true);
                value.set(null, null);
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError unavailable) {
            // not loaded (the snippet failed before it ran): nothing is held
        }
    }

    static boolean interrupted() {
        synchronized (LOCK) {
            return interrupted;
        }
    }

    /** SIGINT: stops the running snippet, or the cell before its next snippet starts; ignored between cells. */
    @SuppressWarnings("deprecation")
    static void interrupt() {
        synchronized (LOCK) {
            if (!cellActive)
                return;
            interrupted = true;
            Thread thread = running;
            if (thread != null) {
                stoppedAt = thread.getStackTrace();
                thread.stop();   // JDK 17: ThreadDeath at the current instruction, loops included
            }
        }
    }

    @Override
    public void stop() {
        interrupt();
    }

    @Override
    protected String invoke(Method doit) throws Exception {
        boolean valueWanted = wantValue && isExpression(doit.getDeclaringClass());
        Object[] outcome = new Object[1];
        Throwable[] failure = new Throwable[1];
        Runnable body = () -> {
            try {
                Object value = doit.invoke(null);
                outcome[0] = valueWanted ? shown(value) : "";
                lastJson = valueWanted ? PlainJson.of(value) : null;
            } catch (InvocationTargetException thrown) {
                failure[0] = thrown.getCause();
            } catch (Throwable thrown) {   // ThreadDeath from an interrupt while toString ran, OutOfMemoryError, ...
                failure[0] = thrown;
            }
        };
        Thread thread = new Thread(null, body, "main", SNIPPET_STACK);
        thread.setContextClassLoader(doit.getDeclaringClass().getClassLoader());
        synchronized (LOCK) {
            if (interrupted)
                throw new ExecutionControl.StoppedException();
            running = thread;
            thread.start();
        }
        try {
            while (true) {
                try {
                    thread.join();
                    break;
                } catch (InterruptedException ignored) {
                    // only the snippet thread's end counts
                }
            }
        } finally {
            synchronized (LOCK) {
                running = null;
            }
        }
        Throwable thrown = failure[0];
        if (thrown == null)
            return (String) outcome[0];
        if (thrown instanceof ThreadDeath && interrupted()) {
            // ThreadDeath is created by the thread that stops, so it carries that thread's stack: use the snippet's
            StackTraceElement[] where;
            synchronized (LOCK) {
                where = stoppedAt;
            }
            thrown = new Interrupted();
            if (where != null)
                thrown.setStackTrace(where);
        }
        throw new InvocationTargetException(thrown);   // JShell reports it as the snippet's exception
    }

    /**
     * JShell's text for a value, but an array shows at most its first {@value #SHOWN_ELEMENTS} elements, then "...", as
     * IPython shows a list: the text of a large array took more heap than the array and ran the cell out of memory.
     */
    static String shown(Object value) {
        if (value == null || !value.getClass().isArray())
            return valueString(value);
        Class<?> innermost = value.getClass().getComponentType();
        StringBuilder dimensions = new StringBuilder();
        while (innermost.isArray()) {
            innermost = innermost.getComponentType();
            dimensions.append("[]");
        }
        String type = innermost.getTypeName();
        int length = Array.getLength(value);
        StringBuilder text = new StringBuilder(type.substring(type.lastIndexOf('.') + 1))
            .append('[').append(length).append(']').append(dimensions).append(" { ");
        int shown = Math.min(length, SHOWN_ELEMENTS);
        for (int i = 0; i < shown; i++)
            text.append(i == 0 ? "" : ", ").append(shown(Array.get(value, i)));
        if (shown < length)
            text.append(", ...");
        return text.append(" }").toString();
    }

    /**
     * JShell wraps each snippet in a class: a variable declaration keeps its value in a field named like the variable,
     * an expression in a temporary "$n" field or in none; only expressions have a value worth showing.
     */
    private static boolean isExpression(Class<?> wrapper) {
        for (var field : wrapper.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && !field.getName().startsWith("$"))
                return false;
        }
        return true;
    }

    /** Thrown in place of the ThreadDeath with which an interrupt stopped a snippet. */
    static final class Interrupted extends Error {
        private static final long serialVersionUID = 1L;

        Interrupted() {
            super("the cell was interrupted", null, false, true);
        }
    }
}
