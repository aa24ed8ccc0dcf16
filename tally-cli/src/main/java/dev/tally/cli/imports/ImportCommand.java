package dev.tally.cli.imports;

import dev.tally.audit.entry.AdminEvent;
import dev.tally.audit.entry.AdminEventType;
import dev.tally.audit.id.IdSource;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.recorder.RecorderStats;
import dev.tally.audit.store.AdminChange;
import dev.tally.audit.store.StoreException;
import dev.tally.audit.store.AuditStore;
import dev.tally.cli.options.SourceOptions;
import dev.tally.gateway.server.InstanceIds;
import dev.tally.cli.CommandFailure;
import dev.tally.cli.TallyCommand;
import dev.tally.cli.options.HelpOption;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tally import}: reads a relay's newline-delimited JSON call log ({@link RelayLine}) into
 * the audit log. Every good line becomes a call record appended through the audit core's
 * {@link Recorder} on its own chain, {@value #CHAIN} (signing key and spill journal in
 * {@code <data>/import/}), so imported records are hash-chained, checkpointed and verify like any
 * other, update the usage rollups, and are recognisable by their chain and their
 * {@code imported_from} tag. The run ends with an {@code import_run} admin event naming the file,
 * its SHA-256 and the counts, in one transaction with a setting that remembers the digest, so
 * importing the same file twice is refused unless {@code --force}.
 *
 * <p>Bad lines are never skipped silently: each is reported on standard error with its line
 * number and reason, all of them are listed again at the end, and the command exits 1 after
 * importing the good lines. Blank lines are not records and are only counted. Only one import
 * runs at a time per data directory (a file lock), since a chain has one writer. Blocking:
 * returns when every record is committed. Not thread-safe (one per run).
 */
@Command(name = "import",
        description = {"Import a relay's call log: newline-delimited JSON, one call per line, into the audit log.",
            "Fields: ts (epoch ms), status, model, backend, duration_ms, input_tokens, output_tokens, thinking_tokens, "
                + "cost_usd, install_id, error; any other field becomes a tag. Bad lines are reported by number; exit 1 if any."})
public final class ImportCommand implements Callable<Integer> {

    /** The directory under the data directory with the import's recorder files. */
    public static final String DIRECTORY = "import";
    /** The chain of an {@code <data>/import/} directory made before chain ids named the host. */
    static final String LEGACY_CHAIN = "import";
    /** The actor named in the import_run event. */
    static final String ACTOR = "cli";
    /** The prefix of the settings that remember imported files by SHA-256. */
    static final String SETTING_PREFIX = "import.sha256.";
    /** Records handed to the recorder between waits for their commit, so the queue never overflows. */
    static final int FLUSH_EVERY = 10_000;

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Parameters(index = "0", paramLabel = "<file>", description = "The log to import; - reads standard input.")
    String file;

    @Mixin
    SourceOptions source;

    @Option(names = "--output-includes-thinking",
            description = {"The log's output_tokens already include thinking_tokens (as OpenAI and Anthropic report them). "
                + "Default: thinking is counted beside the output, so output_tokens + thinking_tokens is the output."})
    boolean outputIncludesThinking;

    @Option(names = "--dry-run", description = "Check every line and report, but write nothing.")
    boolean dryRun;

    @Option(names = "--force", description = "Import even a file whose exact contents were imported before.")
    boolean force;

    @Override
    public Integer call() throws IOException, InterruptedException {
        boolean stdin = file.equals("-");
        Path path = stdin ? null : Path.of(file);
        if (path != null && !Files.isRegularFile(path)) {
            throw new CommandFailure("file: " + file + " is not a readable file (expected: a relay's ndjson call log, or - for standard input)");
        }
        String name = stdin ? "stdin" : path.getFileName().toString();
        Clock clock = Clock.systemUTC();
        RelayLine parser = new RelayLine(new IdSource(clock, new SecureRandom()), outputIncludesThinking, name,
                clock.instant().plus(Duration.ofDays(1)));
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        BadLines bad = new BadLines(err, "import: " + name + ": ");
        if (dryRun) {
            Counts counts = read(path, parser, bad, null);
            out.printf("checked %s: %d good lines, %d bad, %d blank; nothing written (--dry-run)%n", name, counts.good,
                    bad.count(), counts.blank);
            return finish(out, err, bad);
        }
        if (source.remote()) {
            throw new CommandFailure("--url: import writes the store directly (expected: --data <dir> or --config <tally.yaml>)");
        }
        String digest = stdin ? null : sha256(path);
        Path data = source.dataDir();
        Path importDir = data.resolve(DIRECTORY);
        try {
            Files.createDirectories(importDir);
        } catch (IOException e) {
            throw new CommandFailure("data: cannot create " + importDir + " (" + e.getMessage() + ")", e);
        }
        try (FileChannel lockFile = FileChannel.open(importDir.resolve("import.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
                FileLock lock = lockFile.tryLock()) {
            if (lock == null) {
                throw new CommandFailure("data: another tally import is running on " + data
                        + " (expected: one import at a time per data directory; wait for it to finish)");
            }
            try (AuditStore store = source.openStore(true)) {
                String chain = chain(importDir, data);
                if (digest != null && !force) {
                    refuseRepeat(store, digest, name);
                }
                Recorder recorder = startRecorder(store, chain, importDir, clock);
                Counts counts;
                try {
                    counts = read(path, parser, bad, recorder);
                    recorder.flush();
                    String fileDigest = digest != null ? digest : counts.digest;
                    recorder.commitChange(new AdminChange.PutSetting(SETTING_PREFIX + fileDigest,
                            clock.instant().toString()), event(name, fileDigest, counts, bad, clock));
                } finally {
                    recorder.close();
                }
                RecorderStats stats = recorder.stats();
                if (stats.lost() > 0 || stats.spilled() > stats.replayed()) {
                    throw new CommandFailure("store: " + (stats.spilled() - stats.replayed()) + " records wait in the spill "
                            + "journal in " + importDir + " and " + stats.lost() + " were lost; the store failed during the "
                            + "import (the journal is written to the store by the next tally import)");
                }
                out.printf("imported %d call records from %s into %s (chain %s, tag %s=%s)%s%n", counts.good, name,
                        source.storeWhere(), chain, RelayLine.IMPORT_TAG, name,
                        counts.blank > 0 ? "; " + counts.blank + " blank lines" : "");
            }
        } catch (StoreException e) {
            throw new CommandFailure(e.getMessage(), e);
        }
        return finish(out, err, bad);
    }

    private int finish(PrintWriter out, PrintWriter err, BadLines bad) {
        out.flush();
        if (bad.count() == 0) {
            return TallyCommand.OK;
        }
        err.println("import: " + bad.count() + " bad line" + (bad.count() == 1 ? "" : "s") + " not imported: " + bad.lines());
        err.flush();
        return TallyCommand.FAILURE;
    }

    /** Counts of one pass over the file. */
    private static final class Counts {
        long good;
        long blank;
        Instant first;
        Instant last;
        String digest;
    }

    private Counts read(Path path, RelayLine parser, BadLines bad, Recorder recorder) throws IOException, InterruptedException {
        Counts counts = new Counts();
        MessageDigest sha = sha256();
        try (InputStream raw = path == null ? System.in : Files.newInputStream(path);
                InputStream in = new DigestInputStream(new BufferedInputStream(raw, 1 << 16), sha)) {
            LineReader lines = new LineReader(in);
            for (LineReader.Line line = lines.next(); line != null; line = lines.next()) {
                if (line.text() == null) {
                    bad.add(line.number(), "not UTF-8 text (expected: one JSON object per line, UTF-8)");
                    continue;
                }
                if (line.text().isBlank()) {
                    counts.blank++;
                    continue;
                }
                switch (parser.parse(line.text())) {
                    case RelayLine.Parsed parsed -> {
                        counts.good++;
                        Instant at = parsed.record().startedAt();
                        counts.first = counts.first == null || at.isBefore(counts.first) ? at : counts.first;
                        counts.last = counts.last == null || at.isAfter(counts.last) ? at : counts.last;
                        if (recorder != null) {
                            recorder.record(parsed.record());
                            if (counts.good % FLUSH_EVERY == 0) {
                                recorder.flush();
                            }
                        }
                    }
                    case RelayLine.Bad reason -> bad.add(line.number(), reason.reason());
                }
            }
        } catch (UncheckedIOException e) {
            throw new CommandFailure("file: " + file + " cannot be read (" + e.getMessage() + ")", e);
        }
        counts.digest = HexFormat.of().formatHex(sha.digest());
        return counts;
    }

    /**
     * The chain imports from this data directory append to: {@code import-<host>-<8 hex>}, kept in
     * {@code <data>/import/instance-id}, so imports from two hosts into one shared store never write
     * one chain; a directory that imported before such ids keeps {@value #LEGACY_CHAIN}.
     */
    private static String chain(Path importDir, Path data) {
        try {
            return InstanceIds.idIn(importDir, data, "import", LEGACY_CHAIN);
        } catch (UncheckedIOException | IllegalStateException e) {
            throw new CommandFailure("data: " + e.getMessage(), e);
        }
    }

    private Recorder startRecorder(AuditStore store, String chain, Path importDir, Clock clock) {
        try {
            return Recorder.start(store, RecorderConfig.defaults(chain, importDir), clock);
        } catch (UncheckedIOException | StoreException e) {
            throw new CommandFailure("cannot start the audit recorder in " + importDir + ": " + e.getMessage(), e);
        }
    }

    private static void refuseRepeat(AuditStore store, String digest, String name) {
        Optional<String> when = store.setting(SETTING_PREFIX + digest);
        if (when.isPresent()) {
            throw new CommandFailure("file: " + name + " (sha256 " + digest + ") was already imported at " + when.get()
                    + " (expected: a file not imported before; --force imports it again, duplicating its records)");
        }
    }

    private static AdminEvent event(String name, String digest, Counts counts, BadLines bad, Clock clock) {
        Map<String, String> after = new LinkedHashMap<>();
        after.put("file", name);
        after.put("sha256", digest);
        after.put("imported", Long.toString(counts.good));
        after.put("bad_lines", Long.toString(bad.count()));
        if (counts.first != null) {
            after.put("first_started_at", counts.first.toString());
            after.put("last_started_at", counts.last.toString());
        }
        Instant now = clock.instant();
        return new AdminEvent(IdSource.system().nextAt(now), now, AdminEventType.IMPORT_RUN, ACTOR, name, Map.of(), after,
                "imported " + counts.good + " call records from " + name + (bad.count() > 0 ? ", " + bad.count()
                        + (bad.count() == 1 ? " bad line" : " bad lines") + " not imported" : ""));
    }

    private static String sha256(Path path) throws IOException {
        MessageDigest sha = sha256();
        try (InputStream in = new DigestInputStream(new BufferedInputStream(Files.newInputStream(path), 1 << 16), sha)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
