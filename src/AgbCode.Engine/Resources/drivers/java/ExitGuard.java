package agb;

import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.security.Permission;
import java.util.concurrent.ForkJoinPool;

/**
 * Keeps System.exit and Runtime.halt in user code from ending the kernel: a security manager that allows everything
 * except exiting. JDK 17 deprecates the security manager but supports it (-Djava.security.manager=allow is the default;
 * pass it anyway); it sees every way out (System.exit, Runtime.exit/halt, from any thread, via reflection or method
 * handles, from library code), which rewriting the user's source or bytecode cannot.
 */
@SuppressWarnings("removal")
final class ExitGuard extends SecurityManager {
    private static volatile boolean exitAllowed;
    /** The status of the last System.exit in user code; the kernel reports it when that exit ended a snippet. */
    private static volatile int lastStatus;

    /** Installs the guard; false when this JVM no longer supports a security manager (then exit ends the kernel). */
    static boolean install() {
        ForkJoinPool.commonPool();   // created before the guard: its workers stay ordinary threads
        // JDK 17 warns on the JVM's initial stderr (fd 2) that setSecurityManager is deprecated; that text would reach
        // the user's first cell. The warning's stream is a private static of System: silenced for the call through
        // sun.misc.Unsafe (reflectively, so the build shows no internal-API warning). If that fails, the guard matters more.
        // A policy that grants everything: the guard allows everything but exiting, and code that asks the policy
        // directly (AccessController.checkPermission) gets the same answer. Installing it first is also faster.
        java.security.Policy.setPolicy(new java.security.Policy() {
            @Override
            public boolean implies(java.security.ProtectionDomain domain, Permission permission) {
                return true;
            }
        });
        Object unsafe = null;
        Object base = null;
        long offset = 0;
        Object initialErr = null;
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
            theUnsafe.setAccessible(true);
            unsafe = theUnsafe.get(null);
            Field stream = System.class.getDeclaredField("initialErrStream");
            base = unsafeClass.getMethod("staticFieldBase", Field.class).invoke(unsafe, stream);
            offset = (long) unsafeClass.getMethod("staticFieldOffset", Field.class).invoke(unsafe, stream);
            initialErr = unsafeClass.getMethod("getObject", Object.class, long.class).invoke(unsafe, base, offset);
            unsafeClass.getMethod("putObject", Object.class, long.class, Object.class)
                .invoke(unsafe, base, offset, new PrintStream(OutputStream.nullOutputStream()));
        } catch (ReflectiveOperationException | RuntimeException notPossible) {
            unsafe = null;
        }
        try {
            System.setSecurityManager(new ExitGuard());
            return true;
        } catch (UnsupportedOperationException | SecurityException unsupported) {
            return false;
        } finally {
            if (unsafe != null) {
                try {
                    unsafe.getClass().getMethod("putObject", Object.class, long.class, Object.class).invoke(unsafe, base, offset, initialErr);
                } catch (ReflectiveOperationException | RuntimeException ignored) {
                    // the warning stream stays silent: nothing else uses it
                }
            }
        }
    }

    // The evaluator's hot paths never need a permission; these skip building the Permission objects.
    @Override
    public void checkRead(String file) {
    }

    @Override
    public void checkWrite(String file) {
    }

    @Override
    public void checkPropertyAccess(String key) {
    }

    @Override
    public void checkPackageAccess(String pkg) {
    }

    @Override
    public void checkAccess(Thread thread) {
    }

    @Override
    public void checkAccess(ThreadGroup group) {
    }

    @Override
    public void checkConnect(String host, int port) {
    }

    static int lastStatus() {
        return lastStatus;
    }

    /** The evaluator itself is ending. */
    static void allowExit() {
        exitAllowed = true;
    }

    @Override
    public void checkExit(int status) {
        if (!exitAllowed) {
            String call = StackWalker.getInstance().walk(frames -> frames
                .filter(frame -> frame.getClassName().equals("java.lang.System") || frame.getClassName().equals("java.lang.Runtime"))
                .reduce((inner, outer) -> outer)   // the outermost: System.exit calls Runtime.exit
                .map(frame -> frame.getClassName().substring("java.lang.".length()) + "." + frame.getMethodName())
                .orElse("System.exit"));
            lastStatus = status;
            throw new SystemExit(call + "(" + status + ")");
        }
    }

    @Override
    public void checkPermission(Permission permission) {
        // everything else is allowed: the sandbox around the kernel is the security boundary
        if (permission instanceof RuntimePermission && "setSecurityManager".equals(permission.getName()))
            throw new SecurityException("the kernel's exit guard cannot be replaced");
    }

    @Override
    public void checkPermission(Permission permission, Object context) {
        checkPermission(permission);
    }

    /** What System.exit(n) throws in user code: an Error, so that `catch (Exception e)` does not swallow it. */
    static final class SystemExit extends Error {
        private static final long serialVersionUID = 1L;
        SystemExit(String call) {
            super(call + " was called; the kernel keeps running and its state was kept");
        }
    }
}
