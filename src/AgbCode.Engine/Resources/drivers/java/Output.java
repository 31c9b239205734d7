package agb;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.LockSupport;

/**
 * System.out and System.err for user code: stream messages on the message channel, so that stdout and stderr keep the
 * order they were printed in (two pipes cannot tell). Child processes started with inheritIO write to fd 1 / fd 2,
 * which the supervisor relays. A line goes out as soon as it ends; a partial line (print without newline) within
 * 50 ms, so output arrives as it is printed without a message per character.
 */
final class Output {
    private static final LiveStream OUT = new LiveStream("stdout");
    private static final LiveStream ERR = new LiveStream("stderr");
    private static volatile Thread flusher;

    private Output() {
    }

    /** Installs fresh System.out / System.err (also after an interrupt may have stopped a thread inside one). */
    static void install() {
        System.setOut(new UserStream(OUT));
        System.setErr(new UserStream(ERR));
        if (flusher == null) {
            Thread thread = new Thread(Output::flushLoop, "agb-output-flusher");
            thread.setDaemon(true);
            thread.start();
            flusher = thread;
        }
    }

    /** Everything printed so far (by System.out / System.err, whoever installed them) reaches the pipes. */
    static void flushAll() {
        System.out.flush();
        System.err.flush();
        OUT.flush();
        ERR.flush();
    }

    private static void flushLoop() {
        while (true) {
            LockSupport.park();
            try {
                Thread.sleep(50);
            } catch (InterruptedException ignored) {
                // flush now
            }
            OUT.flush();
            ERR.flush();
        }
    }

    /**
     * System.out / System.err. Without autoflush: PrintStream's autoflush flushes on every print, and LiveStream
     * already sends each completed line at once. close() only flushes: a cell cannot silence the later cells.
     */
    private static final class UserStream extends PrintStream {
        UserStream(LiveStream stream) {
            super(stream, false, StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            flush();
        }
    }

    private static final class LiveStream extends OutputStream {
        private final String name;
        private final byte[] buffer = new byte[8192];
        private int count;
        private boolean flushScheduled;

        LiveStream(String name) {
            this.name = name;
        }

        @Override
        public synchronized void write(int b) {
            if (count == buffer.length)
                drain(false);
            buffer[count++] = (byte) b;
            if (b == '\n')
                drain(true);
            else
                schedule();
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) {
            boolean newline = false;
            while (length > 0) {
                if (count == buffer.length)
                    drain(false);
                int n = Math.min(length, buffer.length - count);
                System.arraycopy(bytes, offset, buffer, count, n);
                for (int i = count; i < count + n && !newline; i++)
                    newline = buffer[i] == '\n';
                count += n;
                offset += n;
                length -= n;
            }
            if (newline)
                drain(true);
            else
                schedule();
        }

        @Override
        public synchronized void flush() {
            drain(true);
        }

        private void schedule() {
            if (count > 0 && !flushScheduled) {
                flushScheduled = true;
                Thread thread = flusher;
                if (thread != null)
                    LockSupport.unpark(thread);
            }
        }

        /** Sends what is buffered; unless all of it is wanted, a character cut at the buffer's end waits for its rest. */
        private void drain(boolean all) {
            flushScheduled = false;
            int end = all ? count : completeCharacters();
            if (end == 0)
                return;
            String text = new String(buffer, 0, end, StandardCharsets.UTF_8);
            System.arraycopy(buffer, end, buffer, 0, count - end);
            count -= end;
            Protocol.sendUnflushed(Protocol.message("stream", "name", name, "text", text));
        }

        /** The length of the buffer without a UTF-8 sequence that is still incomplete at its end. */
        private int completeCharacters() {
            int start = count - 1;
            while (start > 0 && count - start < 4 && (buffer[start] & 0xC0) == 0x80)
                start--;
            int lead = buffer[start] & 0xFF;
            int length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
            return count - start < length ? start : count;
        }
    }
}
