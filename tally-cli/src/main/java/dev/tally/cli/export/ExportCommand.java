package dev.tally.cli.export;

import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.query.CallQuery;
import dev.tally.audit.query.Page;
import dev.tally.audit.query.UsageQuery;
import dev.tally.cli.CommandFailure;
import dev.tally.cli.TallyCommand;
import dev.tally.cli.options.CallFilters;
import dev.tally.cli.options.HelpOption;
import dev.tally.cli.options.SourceOptions;
import dev.tally.cli.source.AdminApiReader;
import dev.tally.cli.source.AuditReader;
import dev.tally.cli.source.StoreReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.AbstractMap.SimpleEntry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tally export}: every call record matching the logs filters, newest first, as ndjson
 * (canonical JSON, one record per line) or CSV ({@link CsvRecords}), to a file or standard
 * output. Streamed: from a store it reads and writes one page of 1000 records at a time; through
 * the admin API it copies {@code GET /v1/admin/export} as it arrives; memory stays constant for
 * any size. A file is written under {@code <file>.partial} and renamed when complete, so a
 * failed export never leaves a file that looks whole. When writing a file from a terminal, a
 * progress bar goes to standard error. Blocking: returns when the export is complete. Not thread-safe (one per run).
 */
@Command(name = "export",
        description = {"Export call records (ndjson or CSV) to a file or standard output, streamed.",
            "Example: tally export --format csv --since 2026-03-01 --out march.csv"})
public final class ExportCommand implements Callable<Integer> {

    /** Records per page read from a store. */
    static final int PAGE = CallQuery.MAX_LIMIT;

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Mixin
    SourceOptions source;

    @Mixin
    CallFilters filters;

    @Option(names = "--format", paramLabel = "ndjson|csv", defaultValue = "ndjson",
            description = "ndjson: one canonical JSON record per line; csv: one row per record, safe for spreadsheets (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = {"-o", "--out"}, paramLabel = "<file>", description = "Write to this file (default: standard output).")
    Path outFile;

    @Override
    public Integer call() throws IOException {
        if (!format.equals("ndjson") && !format.equals("csv")) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--format: '" + format + "' (expected: ndjson or csv)");
        }
        Instant now = Instant.now();
        filters.check(now);
        try (AuditReader reader = source.open()) {
            CallQuery query = filters.query(reader, now, PAGE, null);
            Progress progress = showProgress() ? new Progress(spec.commandLine().getErr(), total(reader, query)) : null;
            Path partial = outFile == null ? null : outFile.resolveSibling(outFile.getFileName() + ".partial");
            long count;
            try (Writer out = partial == null ? new Unclosed(spec.commandLine().getOut())
                    : new BufferedWriter(Files.newBufferedWriter(partial, StandardCharsets.UTF_8), 1 << 16)) {
                count = switch (reader) {
                    case StoreReader store -> fromStore(store, query, out, progress);
                    case AdminApiReader api -> fromApi(api, query, out, progress);
                };
            } catch (IOException | RuntimeException e) {
                if (partial != null) {
                    Files.deleteIfExists(partial);
                }
                if (e instanceof IOException || e instanceof UncheckedIOException) {
                    throw new CommandFailure("out: " + (outFile == null ? "standard output" : outFile)
                            + " cannot be written (" + e.getMessage() + ")", e);
                }
                throw e;
            }
            if (partial != null) {
                Files.move(partial, outFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            if (progress != null) {
                progress.finish(count, outFile == null ? "standard output" : outFile.toString());
            }
        }
        return TallyCommand.OK;
    }

    private long fromStore(StoreReader reader, CallQuery first, Writer out, Progress progress) throws IOException {
        if (format.equals("csv")) {
            CsvRecords.header(out);
        }
        long count = 0;
        CallQuery query = first;
        while (true) {
            Page<AuditEntry> page = reader.calls(query);
            for (AuditEntry entry : page.data()) {
                if (entry instanceof CallRecord r) {
                    if (format.equals("csv")) {
                        CsvRecords.record(out, r);
                    } else {
                        out.write(new String(dev.tally.audit.chain.EntryHasher.canonicalBytes(r), StandardCharsets.UTF_8));
                        out.write('\n');
                    }
                    count++;
                }
            }
            out.flush();
            if (progress != null) {
                progress.update(count);
            }
            if (page.nextCursor() == null || page.data().isEmpty()) {
                return count;
            }
            query = query.after(page.nextCursor());
        }
    }

    private long fromApi(AdminApiReader reader, CallQuery query, Writer out, Progress progress) throws IOException {
        List<Map.Entry<String, String>> params = new java.util.ArrayList<>(AdminApiReader.params(query));
        params.removeIf(p -> p.getKey().equals("limit"));
        params.addFirst(new SimpleEntry<>("format", format));
        long lines = 0;
        try (InputStream body = reader.client().stream("/v1/admin/export", params);
                Reader text = new InputStreamReader(body, StandardCharsets.UTF_8)) {
            char[] buffer = new char[1 << 16];
            for (int n = text.read(buffer); n >= 0; n = text.read(buffer)) {
                out.write(buffer, 0, n);
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        lines++;
                    }
                }
                if (progress != null) {
                    progress.update(format.equals("csv") ? Math.max(0, lines - 1) : lines);
                }
            }
            out.flush();
        }
        return format.equals("csv") ? Math.max(0, lines - 1) : lines;
    }

    /** The number of matching records from the usage rollups, or null when the filters need more than one tag. */
    private static Long total(AuditReader reader, CallQuery q) {
        if (q.tags().size() > 1) {
            return null;
        }
        UsageQuery usage = new UsageQuery(q.since(), q.until(), List.of(), q.keyId(), q.model(), q.provider(),
                q.status(), q.user(), q.tags(), null, null);
        return reader.usage(usage).summary().calls();
    }

    private boolean showProgress() {
        java.io.Console console = System.console();
        // Records going to the terminal itself would be torn apart by the bar's redraws.
        if (console == null || outFile == null) {
            return false;
        }
        // From Java 22 a console exists also when redirected; isTerminal() tells the difference.
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException olderJava) {
            return true;
        }
    }

    /** Standard output as a writer that {@code close()} only flushes: picocli owns the stream. */
    private static final class Unclosed extends Writer {
        private final Writer target;

        Unclosed(Writer target) {
            this.target = target;
        }

        @Override
        public void write(char[] chars, int offset, int length) throws IOException {
            target.write(chars, offset, length);
        }

        @Override
        public void flush() throws IOException {
            target.flush();
        }

        @Override
        public void close() throws IOException {
            target.flush();
        }
    }
}
