package agb;

import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * Reads JShell's and javac's private state (the JVM opens their packages to the evaluator). Each lookup gives null
 * where a JDK differs, so that the housekeeping built on it is skipped, never the run.
 */
final class JdkInternals {
    private JdkInternals() {
    }

    /** A field of {@code owner}, declared by its own class; null when there is none. */
    @SuppressWarnings("unchecked")
    static <T> T read(Object owner, String name) {
        if (owner == null)
            return null;
        try {
            Field field = owner.getClass().getDeclaredField(name);
            field.setAccessible(true);
            return (T) field.get(owner);
        } catch (ReflectiveOperationException | RuntimeException unavailable) {
            return null;
        }
    }

    /** A method without parameters declared by {@code owner}, made callable; null when there is none. */
    static Method method(Class<?> owner, String name) {
        if (owner == null)
            return null;
        try {
            Method method = owner.getDeclaredMethod(name);
            method.setAccessible(true);
            return method;
        } catch (ReflectiveOperationException | RuntimeException unavailable) {
            return null;
        }
    }

    /** A class by name; null when there is none. */
    static Class<?> type(String name) {
        try {
            return Class.forName(name);
        } catch (ReflectiveOperationException | RuntimeException unavailable) {
            return null;
        }
    }
}
