package io.itdr.connector.tck;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Watches, for the span of one check, everywhere a secret could escape to: log records
 * ({@code java.util.logging}, which also receives {@code System.Logger}), standard output and
 * error, and the text of whatever the kit inspects (exceptions with their causes, plans, results,
 * toString of configuration and connector). Not thread-safe for start/stop; log records may
 * arrive from any thread.
 */
final class SecretLeakWatch {
    private final String secret;
    private final List<String> leaks = new ArrayList<>();
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final SimpleFormatter formatter = new SimpleFormatter();
    private Handler handler;
    private Level previousRootLevel;
    private PrintStream previousOut;
    private PrintStream previousErr;

    SecretLeakWatch(String secret) {
        this.secret = secret;
    }

    void start() {
        synchronized (leaks) {
            leaks.clear();
        }
        synchronized (console) {
            console.reset();
        }
        Logger root = Logger.getLogger("");
        previousRootLevel = root.getLevel();
        handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                String text = formatter.formatMessage(record)
                        + (record.getThrown() == null ? "" : stackTrace(record.getThrown()));
                if (text.contains(secret)) {
                    leak("a log record of logger '" + record.getLoggerName() + "' at " + record.getLevel());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
        // Secrets leak most often in debug lines: look at every level while the check runs.
        root.setLevel(Level.ALL);
        previousOut = System.out;
        previousErr = System.err;
        System.setOut(tee(previousOut));
        System.setErr(tee(previousErr));
    }

    /** Records a leak if the text of {@code value} (the stack trace, for a throwable) shows the secret. */
    void inspect(String what, Object value) {
        String text = value instanceof Throwable t ? stackTrace(t) : String.valueOf(value);
        if (text.contains(secret)) {
            leak(what);
        }
    }

    /** Stops watching, restores logging and the console, and returns where the secret showed. */
    List<String> stop() {
        System.setOut(previousOut);
        System.setErr(previousErr);
        Logger root = Logger.getLogger("");
        root.removeHandler(handler);
        root.setLevel(previousRootLevel);
        synchronized (console) {
            if (console.toString(StandardCharsets.UTF_8).contains(secret)) {
                leak("standard output or error");
            }
        }
        synchronized (leaks) {
            return List.copyOf(leaks);
        }
    }

    private void leak(String where) {
        synchronized (leaks) {
            leaks.add(where);
        }
    }

    private PrintStream tee(PrintStream original) {
        OutputStream both = new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                synchronized (console) {
                    console.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                original.write(b, off, len);
                synchronized (console) {
                    console.write(b, off, len);
                }
            }

            @Override
            public void flush() {
                original.flush();
            }
        };
        return new PrintStream(both, true, StandardCharsets.UTF_8);
    }

    private static String stackTrace(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
