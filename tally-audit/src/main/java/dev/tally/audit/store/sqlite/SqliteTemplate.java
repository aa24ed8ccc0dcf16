package dev.tally.audit.store.sqlite;

import dev.tally.audit.files.PrivateFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * An empty store made by Flyway once, copied as a new store's first state. Creating the schema
 * through Flyway took 0.5-1.0 s of a first {@code tally serve} on a 2-core machine (Flyway's
 * set-up, some 400 classes, and seven scripts run statement by statement), the largest single
 * step of a first start; copying the file it leaves takes a few milliseconds. Flyway stays what
 * makes and migrates every schema: the template is its output ({@link #make}), with its
 * {@code flyway_schema_history}, so a store started from it is, for every later open and
 * migration, a store Flyway created.
 *
 * <p>The launcher makes the template once per build, beside the jar, and names it in the
 * {@value #PROPERTY} system property; without it (tests, an embedding application) a new store is
 * created by Flyway as before. A template that is missing, unreadable, not a SQLite file, or of
 * a schema version this code does not know is ignored; one older than
 * {@link SqliteSchema#CURRENT_VERSION} is still used, and Flyway migrates the copy on open.
 *
 * <p>Thread-safe: stateless. Two processes creating one store at once: exactly one copy lands
 * (a hard link, which fails when the name exists), and the other opens it.
 */
public final class SqliteTemplate {

    /** The system property naming the template file. */
    public static final String PROPERTY = "tally.sqlite.template";

    private static final System.Logger LOG = System.getLogger(SqliteTemplate.class.getName());
    private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    /** Where SQLite keeps {@code PRAGMA user_version} in the database header (4 bytes, big-endian). */
    private static final int USER_VERSION_OFFSET = 60;

    private SqliteTemplate() {
    }

    /**
     * Makes the template at {@code target} (replacing it): an empty store's schema, created by
     * Flyway as a new store's would be, in one self-contained file (no {@code -wal} beside it).
     *
     * @throws SQLException when Flyway or SQLite fails
     * @throws IOException when the file cannot be written
     */
    public static void make(Path target) throws SQLException, IOException {
        Path absolute = target.toAbsolutePath();
        if (absolute.getParent() != null) {
            PrivateFiles.createDirectories(absolute.getParent());
        }
        Path partial = absolute.resolveSibling(absolute.getFileName() + ".partial");
        Files.deleteIfExists(partial);
        PrivateFiles.ensureFile(partial);
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + partial,
                SqliteAuditStore.connectionConfig().toProperties())) {
            SqliteSchema.migrate(connection, partial.toString());
        }
        // Closing the last connection checkpoints the WAL into the file and deletes it.
        if (Files.exists(partial.resolveSibling(partial.getFileName() + "-wal"))) {
            throw new IOException("sqlite: " + partial + "-wal is left after closing (expected: the template in one file)");
        }
        Files.deleteIfExists(partial.resolveSibling(partial.getFileName() + "-shm"));
        Files.move(partial, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Creates {@code file} as a copy of the template named by {@value #PROPERTY}, when there is
     * one and {@code file} does not exist yet. Returns whether the copy is now {@code file};
     * false leaves everything as it was (the caller then creates the store as without a
     * template).
     */
    static boolean placeIfNew(Path file) {
        return placeIfNew(file, System.getProperty(PROPERTY));
    }

    /** {@link #placeIfNew(Path)} with the template {@code name} (null or blank: none). */
    static boolean placeIfNew(Path file, String name) {
        if (name == null || name.isBlank() || Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        byte[] template;
        try {
            template = Files.readAllBytes(Path.of(name));
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "sqlite: template " + name + " not used: " + e);
            return false;
        }
        int version = userVersion(template);
        if (version < 1 || version > SqliteSchema.CURRENT_VERSION) {
            LOG.log(System.Logger.Level.DEBUG, () -> "sqlite: template " + name + " not used: not a SQLite file of schema 1.."
                    + SqliteSchema.CURRENT_VERSION);
            return false;
        }
        Path partial = file.resolveSibling(file.getFileName() + ".template-" + ProcessHandle.current().pid() + "-"
                + Long.toHexString(System.nanoTime()));
        try {
            PrivateFiles.ensureFile(partial); // 0600 from its creation, as the store's own file
            try (FileChannel out = FileChannel.open(partial, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = ByteBuffer.wrap(template);
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                out.force(true); // durable before it gets the store's name
            }
            // Fails when the name exists: another process created the store meanwhile; open that one.
            Files.createLink(file, partial);
            return true;
        } catch (FileAlreadyExistsException raced) {
            return false;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // No hard links on this file system, or no space: Flyway creates the schema.
            LOG.log(System.Logger.Level.DEBUG, () -> "sqlite: template not copied to " + file + ": " + e);
            return false;
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "sqlite: cannot delete " + partial + ": " + e.getMessage());
            }
        }
    }

    /** The {@code user_version} in a SQLite file's header, or -1 when {@code file} is not a SQLite file. */
    static int userVersion(byte[] file) {
        if (file.length < 100 || !Arrays.equals(file, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return -1;
        }
        return ByteBuffer.wrap(file, USER_VERSION_OFFSET, 4).getInt();
    }
}
