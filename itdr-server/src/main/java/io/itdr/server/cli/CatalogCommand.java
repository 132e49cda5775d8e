package io.itdr.server.cli;

import io.itdr.core.enrich.CatalogEntry;
import io.itdr.core.enrich.CatalogException;
import io.itdr.core.enrich.IdentityCatalog;
import io.itdr.core.normalize.Printable;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code itdr catalog validate}: reads identity catalogs as the server and the replay would, without running anything. */
@Command(name = "catalog", mixinStandardHelpOptions = true, description = "Work with identity catalog files (docs/OPERATIONS.md).",
        subcommands = {CatalogCommand.Validate.class})
final class CatalogCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: validate");
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = {"Load identity catalogs and report every problem as file:line: field: reason.",
                    "Exits 0 when all are valid, 3 when any is invalid, 4 when one cannot be read."})
    static final class Validate implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "FILE", arity = "1..*", description = "Catalog files.")
        List<Path> files = new ArrayList<>();

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            int invalid = 0;
            int unreadable = 0;
            for (Path file : files) {
                String name = Printable.escape(file.toString());
                if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                    unreadable++;
                    err.println(name + ": cannot read: no such readable file");
                    continue;
                }
                try {
                    IdentityCatalog catalog = IdentityCatalog.load(file);
                    long patterns = catalog.entries().stream().filter(CatalogEntry::isPattern).count();
                    long owned = catalog.entries().stream().filter(e -> e.owner() != null).count();
                    out.printf("%s: valid — %d entries (%d exact ids, %d patterns), %d with an owner%n", name, catalog.size(),
                            catalog.size() - patterns, patterns, owned);
                } catch (CatalogException e) {
                    invalid++;
                    e.problems().forEach(p -> err.println(Printable.escape(p.toString())));
                }
            }
            out.flush();
            err.flush();
            return invalid > 0 ? ExitCode.INVALID : unreadable > 0 ? ExitCode.UNREADABLE : ExitCode.OK;
        }
    }
}
