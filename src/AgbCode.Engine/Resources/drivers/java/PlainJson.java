package agb;

import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A snippet's value as JSON data when it is plain data: primitives and their boxes, String, char, arrays, List (any
 * Iterable collection), Map with String keys, and records of those. Anything else, or JSON over the limit, is not.
 */
final class PlainJson {
    static final int LIMIT = 1 << 20;
    private static final int MAX_DEPTH = 32;

    /** Values converted so far may still be this many: each takes at least two characters of JSON ("0,"). */
    private int remaining = LIMIT / 2;

    private PlainJson() {
    }

    private static final class NotPlain extends Exception {
        NotPlain() {
            super(null, null, false, false);
        }
    }

    /** The value as Maps, Lists, Strings, Numbers, Booleans and nulls, or null when it is not plain data. */
    static Object of(Object value) {
        try {
            Object data = new PlainJson().convert(value, 0);
            return Protocol.toJson(data).length() <= LIMIT ? data : null;
        } catch (NotPlain | RuntimeException | StackOverflowError notPlain) {
            return null;
        }
    }

    private Object convert(Object value, int depth) throws NotPlain {
        if (depth > MAX_DEPTH || --remaining < 0)
            throw new NotPlain();   // too deep, or JSON over the limit: known before a large array is copied whole
        if (value == null || value instanceof String || value instanceof Boolean)
            return value;
        if (value instanceof Character c)
            return c.toString();
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d))
                throw new NotPlain();
            return value;
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
                || value instanceof BigInteger || value instanceof BigDecimal)
            return value;
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!(entry.getKey() instanceof String key))
                    throw new NotPlain();
                out.put(key, convert(entry.getValue(), depth + 1));
            }
            return out;
        }
        if (value instanceof java.util.Collection<?> items) {
            List<Object> out = new ArrayList<>();
            for (Object item : items)
                out.add(convert(item, depth + 1));
            return out;
        }
        if (value.getClass().isArray()) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < Array.getLength(value); i++)
                out.add(convert(Array.get(value, i), depth + 1));
            return out;
        }
        if (value instanceof Record) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (RecordComponent component : value.getClass().getRecordComponents()) {
                try {
                    var accessor = component.getAccessor();
                    accessor.setAccessible(true);
                    out.put(component.getName(), convert(accessor.invoke(value), depth + 1));
                } catch (ReflectiveOperationException failure) {
                    throw new NotPlain();
                }
            }
            return out;
        }
        throw new NotPlain();
    }
}
