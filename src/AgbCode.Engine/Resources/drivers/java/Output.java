package agb;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.LockSupport;

/**
 * System.out and System.err for user code: UTF-8 straight to fd 1 / fd 2 (the pipes the supervisor relays live, which
 * child processes started with inheritIO share). A line goes out as soon as it ends; a partial line (print without
 * newline) within 50 ms, so output arrives as it is printed without a system call per character. Before writing to
 * the other pipe than last time, the supervisor relays what is in both (Protocol.sync), so stdout and stderr keep the
 * order they were printed in.
 */
final class Output {
    private static final LiveStream OUT = new LiveStream(FileDescriptor.out);
    private static final LiveStream ERR = new LiveStream(FileDescriptor.err);
    private static volatile Thread flusher;
    private static LiveStream lastWritten = OUT;

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
        private final FileOutputStream fd;
        private final byte[] buffer = new byte[8192];
        private int count;
        private boolean flushScheduled;

        LiveStream(FileDescriptor descriptor) {
            fd = new FileOutputStream(descriptor);
        }

        @Override
        public synchronized void write(int b) {
            if (count == buffer.length)
                drain();
            buffer[count++] = (byte) b;
            if (b == '\n')
                drain();
            else
                schedule();
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) {
            if (length >= buffer.length) {
                drain();
                writeFully(bytes, offset, length);
                return;
            }
            if (length > buffer.length - count)
                drain();
            System.arraycopy(bytes, offset, buffer, count, length);
            count += length;
            for (int i = offset + length - 1; i >= offset; i--) {
                if (bytes[i] == '\n') {
                    drain();
                    return;
                }
            }
            schedule();
        }

        @Override
        public synchronized void flush() {
            drain();
        }

        private void schedule() {
            if (count > 0 && !flushScheduled) {
                flushScheduled = true;
                Thread thread = flusher;
                if (thread != null)
                    LockSupport.unpark(thread);
            }
        }

        private void drain() {
            flushScheduled = false;
            int n = count;
            count = 0;
            if (n > 0)
                writeFully(buffer, 0, n);
        }

        private void writeFully(byte[] bytes, int offset, int length) {
            synchronized (Output.class) {
                if (lastWritten != this) {   // (a partial line still buffered in the other stream stays there, as in Java)
                    Protocol.sync();
                    lastWritten = this;
                }
            }
            try {
                fd.write(bytes, offset, length);
            } catch (IOException gone) {
                // the supervisor closed the pipe: the output has nowhere to go
            }
        }
    }
}
