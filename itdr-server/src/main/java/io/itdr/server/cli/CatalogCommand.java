package io.itdr.server.cli;

import io.itdr.core.enrich.CatalogEntry;
import io.itdr.core.enrich.CatalogException;
import io.itdr.core.enrich.IdentityCatalog;
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
            return FileValidation.run(files, spec.commandLine().getOut(), spec.commandLine().getErr(), file -> {
                try {
                    IdentityCatalog catalog = IdentityCatalog.load(file);
                    long patterns = catalog.entries().stream().filter(CatalogEntry::isPattern).count();
                    long owned = catalog.entries().stream().filter(e -> e.owner() != null).count();
                    return String.format("%d entries (%d exact ids, %d patterns), %d with an owner", catalog.size(),
                            catalog.size() - patterns, patterns, owned);
                } catch (CatalogException e) {
                    throw new FileValidation.Invalid(e.problems().stream().map(CatalogException.Problem::toString).toList());
                }
            });
        }
    }
}
