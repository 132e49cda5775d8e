package io.itdr.server.cli;

import io.itdr.core.normalize.Printable;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The loop of the {@code validate} commands (policy, catalog): each file read as the server would read it, a summary line
 * per valid file on stdout, every problem of an invalid one on stderr. Exit 3 when any is invalid, else 4 when any
 * cannot be read, else 0.
 */
final class FileValidation {
    /** Loads one file; answers its summary ("12 rules, mode shadow") or throws {@link Invalid}. */
    interface Check {
        String summary(Path file) throws Invalid;
    }

    /** A file that was read and refused, with its problems as printable lines ({@code file:line: field: reason}). */
    static final class Invalid extends Exception {
        private final transient List<String> problems;

        Invalid(List<String> problems) {
            super(String.join("; ", problems));
            this.problems = List.copyOf(problems);
        }

        List<String> problems() {
            return problems;
        }
    }

    private FileValidation() {
    }

    static int run(List<Path> files, PrintWriter out, PrintWriter err, Check check) {
        int invalid = 0;
        int unreadable = 0;
        for (Path file : files) {
            String name = Printable.escape(file.toString());
            // the loaders report an unreadable file as a problem of its content; the exit code tells them apart
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                unreadable++;
                err.println(name + ": cannot read: no such readable file");
                continue;
            }
            try {
                out.println(name + ": valid — " + check.summary(file));
            } catch (Invalid e) {
                invalid++;
                e.problems().forEach(p -> err.println(Printable.escape(p)));
            }
        }
        out.flush();
        err.flush();
        return invalid > 0 ? ExitCode.INVALID : unreadable > 0 ? ExitCode.UNREADABLE : ExitCode.OK;
    }
}
