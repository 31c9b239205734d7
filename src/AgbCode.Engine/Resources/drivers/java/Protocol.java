package agb;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The evaluator's side of the supervisor channels (docs/protocol.md, "Supervisor ↔ evaluator"): requests arrive on
 * fd 3, one JSON object per line; messages go to fd 4, one JSON object per line, each after the output printed before
 * it has been flushed to fd 1 / fd 2. Also the small JSON reader and writer the JDK does not have.
 */
final class Protocol {
    private static OutputStream messages;
    private static BufferedReader requests;
    private static InputStream acks;

    private Protocol() {
    }

    static void open() throws IOException {
        requests = new BufferedReader(new InputStreamReader(new FileInputStream("/dev/fd/3"), StandardCharsets.UTF_8), 1 << 16);
        messages = new FileOutputStream(writableChannel(4), true);
        acks = new FileInputStream("/dev/fd/5");
    }

    /**
     * The path that opens fd {@code fd}, which the kernel writes to, once it is known to have been handed over open for
     * writing (the supervisor's pipe; a file or device in a scratch run). Started without it, the JVM may have put a file
     * of its own there, read-only (the JDK's lib/modules, say): opening /dev/fd/4 opens that file anew, and as root it
     * would append messages to it.
     */
    private static String writableChannel(int fd) throws IOException {
        String flags = null;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd)))
                if (line.startsWith("flags:"))
                    flags = line.substring("flags:".length()).trim();
        } catch (IOException notOpen) {
            throw new IOException("fd " + fd + " is not open: agb.JavaKernel is started by agb_supervisor.py (docs/protocol.md)");
        }
        if (flags == null || (Integer.parseInt(flags, 8) & 3) == 0)   // O_ACCMODE == O_RDONLY
            throw new IOException("fd " + fd + " (" + Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)) + ") is open for "
                + "reading only, not the supervisor's message pipe: agb.JavaKernel is started by agb_supervisor.py (docs/protocol.md)");
        return "/dev/fd/" + fd;
    }

    /** Waits until the supervisor has relayed what is in the output pipes (docs/protocol.md, sync). */
    static void sync() {
        sendUnflushed(message("sync"));
        synchronized (Protocol.class) {
            try {
                acks.read();
            } catch (IOException gone) {
                // the supervisor is gone; it reports our exit
            }
        }
    }

    /** True when a request is waiting to be read. */
    static boolean requestWaiting() throws IOException {
        return requests.ready();
    }

    /** Waits up to {@code millis} for a request to be waiting; true when one is. */
    static boolean requestWaiting(long millis) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (!requests.ready()) {
            if (System.nanoTime() >= deadline)
                return false;
            Thread.sleep(2);
        }
        return true;
    }

    /** The next request, or null once the supervisor has closed fd 3. */
    static Map<String, Object> nextRequest() throws IOException {
        while (true) {
            String line = requests.readLine();
            if (line == null)
                return null;
            if (line.isBlank())
                continue;
            if (parse(line) instanceof Map<?, ?> map) {
                @SuppressWarnings("unchecked")
                Map<String, Object> request = (Map<String, Object>) map;
                return request;
            }
            throw new IllegalArgumentException("a request is not a JSON object");
        }
    }

    /** Sends one message, after everything printed so far has reached fd 1 and fd 2. Safe from any thread. */
    static void send(Map<String, ?> message) {
        Output.flushAll();
        sendUnflushed(message);
    }

    private static void sendUnflushed(Map<String, ?> message) {
        StringBuilder line = new StringBuilder(256);
        write(line, message);
        line.append('\n');
        byte[] bytes = line.toString().getBytes(StandardCharsets.UTF_8);
        synchronized (Protocol.class) {
            try {
                messages.write(bytes);
                messages.flush();
            } catch (IOException gone) {
                // The supervisor is gone; it reports our exit. Nothing to say to anyone.
            }
        }
    }

    static Map<String, Object> message(String type, Object... fields) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", type);
        for (int i = 0; i + 1 < fields.length; i += 2)
            message.put((String) fields[i], fields[i + 1]);
        return message;
    }

    // ---- JSON writer ---------------------------------------------------------------------------------------------

    static String toJson(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value);
        return out.toString();
    }

    /** Map (string keys), Iterable, Object[], CharSequence, Number, Boolean, Character and null; others as strings. */
    static void write(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof CharSequence || value instanceof Character) {
            writeString(out, value.toString());
        } else if (value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d))
                out.append("null");   // JSON has no NaN / Infinity
            else
                out.append(d);   // a whole one as 21.0: a double stays a real for whoever reads the JSON
        } else if (value instanceof Number) {
            out.append(value);
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!first)
                    out.append(',');
                first = false;
                writeString(out, String.valueOf(entry.getKey()));
                out.append(':');
                write(out, entry.getValue());
            }
            out.append('}');
        } else if (value instanceof Iterable<?> || value instanceof Object[]) {
            Iterator<?> items = value instanceof Object[] array ? List.of(array).iterator() : ((Iterable<?>) value).iterator();
            out.append('[');
            boolean first = true;
            while (items.hasNext()) {
                if (!first)
                    out.append(',');
                first = false;
                write(out, items.next());
            }
            out.append(']');
        } else {
            writeString(out, value.toString());
        }
    }

    static void writeString(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    boolean pairedSurrogate = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
                    if (pairedSurrogate) {
                        out.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        out.append('\ufffd');   // a lone surrogate is no character: the supervisor could not encode it
                    } else if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    // ---- JSON reader ---------------------------------------------------------------------------------------------

    /** Parses one JSON value: objects become LinkedHashMaps, arrays ArrayLists, numbers Long or Double. */
    static Object parse(String text) {
        Reader reader = new Reader(text);
        reader.skipSpace();
        Object value = reader.value();
        reader.skipSpace();
        if (reader.pos != text.length())
            throw reader.error("unexpected text after the JSON value");
        return value;
    }

    private static final class Reader {
        final String s;
        int pos;
        int depth;

        Reader(String s) {
            this.s = s;
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("invalid JSON at offset " + pos + ": " + what);
        }

        void skipSpace() {
            while (pos < s.length() && " \t\r\n".indexOf(s.charAt(pos)) >= 0)
                pos++;
        }

        char peek() {
            if (pos >= s.length())
                throw error("unexpected end");
            return s.charAt(pos);
        }

        void expect(char c) {
            if (peek() != c)
                throw error("expected '" + c + "'");
            pos++;
        }

        Object value() {
            if (++depth > 512)
                throw error("nested too deeply");
            try {
                char c = peek();
                switch (c) {
                    case '{': return object();
                    case '[': return array();
                    case '"': return string();
                    case 't': return literal("true", Boolean.TRUE);
                    case 'f': return literal("false", Boolean.FALSE);
                    case 'n': return literal("null", null);
                    default:
                        if (c == '-' || (c >= '0' && c <= '9'))
                            return number();
                        throw error("unexpected character '" + c + "'");
                }
            } finally {
                depth--;
            }
        }

        Object literal(String word, Object value) {
            if (!s.startsWith(word, pos))
                throw error("expected " + word);
            pos += word.length();
            return value;
        }

        Map<String, Object> object() {
            Map<String, Object> map = new LinkedHashMap<>();
            expect('{');
            skipSpace();
            if (peek() == '}') {
                pos++;
                return map;
            }
            while (true) {
                skipSpace();
                String key = string();
                skipSpace();
                expect(':');
                skipSpace();
                map.put(key, value());
                skipSpace();
                if (peek() == ',') {
                    pos++;
                    continue;
                }
                expect('}');
                return map;
            }
        }

        List<Object> array() {
            List<Object> list = new ArrayList<>();
            expect('[');
            skipSpace();
            if (peek() == ']') {
                pos++;
                return list;
            }
            while (true) {
                skipSpace();
                list.add(value());
                skipSpace();
                if (peek() == ',') {
                    pos++;
                    continue;
                }
                expect(']');
                return list;
            }
        }

        String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                char c = peek();
                pos++;
                if (c == '"')
                    return out.toString();
                if (c < 0x20)
                    throw error("control character in a string");
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char e = peek();
                pos++;
                switch (e) {
                    case '"', '\\', '/' -> out.append(e);
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> {
                        if (pos + 4 > s.length())
                            throw error("short \\u escape");
                        try {
                            out.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException bad) {
                            throw error("bad \\u escape");
                        }
                        pos += 4;
                    }
                    default -> throw error("bad escape \\" + e);
                }
            }
        }

        Object number() {
            int start = pos;
            if (peek() == '-')
                pos++;
            while (pos < s.length() && "0123456789+-.eE".indexOf(s.charAt(pos)) >= 0)
                pos++;
            String text = s.substring(start, pos);
            try {
                if (text.matches("-?(0|[1-9][0-9]*)"))
                    return text.length() < 19 ? (Object) Long.parseLong(text) : (Object) new java.math.BigInteger(text);
                if (text.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?"))
                    return Double.parseDouble(text);
            } catch (NumberFormatException ignored) {
                // falls through to the error
            }
            throw error("bad number " + text);
        }
    }
}
