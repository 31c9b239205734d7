import com.sun.source.util.JavacTask;
import com.sun.tools.javac.api.JavacTaskPool;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.util.Arrays;
import java.util.List;

import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/**
 * The floor of a Java evaluator that compiles each snippet once (docs/benchmarks.md, "Issue 18 — what one javac task per
 * snippet would cost"): a warm JVM compiles N one-expression classes (`return 1+1;` under the ten imports every Java
 * session starts with) into memory, either each in a javac task of its own (`new`, the public API) or in a javac context
 * reused across tasks (`pool`, JDK's JavacTaskPool, which JShell uses). Prints the compiling thread's CPU per class, median
 * and p99 over the second half (GC runs on another thread and is not in it).
 *
 *     javac --add-exports jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED -d /tmp/floor bench/java-javac-floor/JavacFloor.java
 *     taskset -c 1 java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
 *         --add-exports jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED -cp /tmp/floor JavacFloor pool 1000
 */
public final class JavacFloor {
    private static final String IMPORTS = "import java.io.*; import java.math.*; import java.net.*; import java.nio.file.*; "
        + "import java.util.*; import java.util.concurrent.*; import java.util.function.*; import java.util.prefs.*; "
        + "import java.util.regex.*; import java.util.stream.*;\n";
    private static final List<String> OPTIONS = List.of("-proc:none", "-Xlint:none");

    private static final class Source extends SimpleJavaFileObject {
        private final String code;

        Source(String className, String code) {
            super(URI.create("string:///" + className + ".java"), Kind.SOURCE);
            this.code = code;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return code;
        }
    }

    private static final class ClassBytes extends SimpleJavaFileObject {
        ClassBytes(String className) {
            super(URI.create("memory:///" + className + ".class"), Kind.CLASS);
        }

        @Override
        public OutputStream openOutputStream() {
            return new ByteArrayOutputStream();
        }
    }

    public static void main(String[] args) {
        boolean pooled = args[0].equals("pool");
        int count = Integer.parseInt(args[1]);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        JavaFileManager inMemory = new ForwardingJavaFileManager<>(javac.getStandardFileManager(null, null, null)) {
            @Override
            public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind, FileObject sibling) {
                return new ClassBytes(className);
            }
        };
        JavacTaskPool pool = new JavacTaskPool(1);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long[] cpu = new long[count];
        for (int i = 0; i < count; i++) {
            String className = "Snippet" + i;
            List<JavaFileObject> units = List.of(new Source(className,
                IMPORTS + "public class " + className + " { public static Object value() { return 1+1; } }"));
            long start = threads.getCurrentThreadCpuTime();
            boolean compiled = pooled
                ? pool.getTask(null, inMemory, null, OPTIONS, null, units, task -> ((JavacTask) task).call())
                : javac.getTask(null, inMemory, null, OPTIONS, null, units).call();
            cpu[i] = threads.getCurrentThreadCpuTime() - start;
            if (!compiled)
                throw new IllegalStateException("did not compile: " + className);
        }
        long[] warm = Arrays.copyOfRange(cpu, count / 2, count);
        Arrays.sort(warm);
        System.out.printf("%s: CPU per class %.2f ms median, %.2f ms p99 (classes %d-%d)%n", args[0],
            warm[warm.length / 2] / 1e6, warm[(int) (warm.length * 0.99)] / 1e6, count / 2 + 1, count);
    }
}
