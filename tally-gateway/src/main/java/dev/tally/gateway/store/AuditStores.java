package dev.tally.gateway.store;

import dev.tally.audit.files.PrivateFiles;
import dev.tally.audit.store.DerivedRows;
import dev.tally.audit.store.StoreException;
import dev.tally.audit.store.postgres.PostgresAuditStore;
import dev.tally.audit.store.postgres.PostgresOptions;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.config.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one place that turns a {@code store} section of {@code tally.yaml} into an open store:
 * {@code tally serve} and every CLI command that reads or writes a store directly go through it,
 * so a command given {@code --config} reads a PostgreSQL store exactly as {@code --data} reads the
 * SQLite file. It lives next to {@link GatewayConfig} (whose {@link GatewayConfig.Store} it reads)
 * rather than in tally-audit, which knows no configuration file.
 *
 * <p>Both stores come back as {@link DerivedRows}: every role of
 * {@link dev.tally.audit.store.AuditStore} plus the derived rows {@code verify --deep} and retention
 * read. Stateless and thread-safe; each call opens a new store the caller closes.
 */
public final class AuditStores {

    /** Whether opening may create an empty store. */
    public enum Create {
        /** Creates the SQLite file (and its directory) when missing: {@code tally serve}, {@code tally keys create}. */
        IF_MISSING,
        /**
         * Refuses a missing SQLite file, so a mistyped path is an error and not an empty log. A
         * PostgreSQL database must exist in either case; its tables are created or migrated at open.
         */
        NEVER
    }

    private AuditStores() {
    }

    /** {@link #open(GatewayConfig.Store, Create)} creating what is missing, as {@code tally serve} does. */
    public static DerivedRows open(GatewayConfig.Store config) {
        return open(config, Create.IF_MISSING);
    }

    /**
     * Opens the store {@code store.url} names: a SQLite file ({@code sqlite:<path>}), or a PostgreSQL
     * database shared with other instances ({@code postgresql://host[:port]/database}, login from
     * {@code store.user}/{@code store.password}). Returns when the schema is current.
     *
     * @throws IllegalArgumentException when the URL is neither
     * @throws StoreException when the store cannot be reached or opened, or (with {@link Create#NEVER})
     *     the SQLite file does not exist
     */
    public static DerivedRows open(GatewayConfig.Store config, Create create) {
        String url = config.url();
        if (config.postgres()) {
            return PostgresAuditStore.open(PostgresOptions.fromStoreUrl(url, config.user().orElse(null),
                    config.password().map(Secret::reveal).orElse(null)));
        }
        Path file = sqliteFile(config);
        if (create == Create.NEVER && !Files.isRegularFile(file)) {
            throw new StoreException("store.url: " + url + ": no such file (expected: the store of a Tally instance)");
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                PrivateFiles.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("store.url: cannot create the directory of " + file, e);
        }
        return SqliteAuditStore.open(file);
    }

    /**
     * The SQLite file of a {@code sqlite:<path>} store URL.
     *
     * @throws IllegalArgumentException naming the URL when it is not a SQLite one
     */
    public static Path sqliteFile(GatewayConfig.Store config) {
        String url = config.url();
        if (!url.startsWith("sqlite:")) {
            throw new IllegalArgumentException("store.url: '" + masked(url)
                    + "' (expected: sqlite:<path> or postgresql://host[:port]/database)");
        }
        return Path.of(url.substring("sqlite:".length()));
    }

    /**
     * Where the store is, for messages: the SQLite file, or {@code postgresql://host:port/database}
     * (a store URL never holds a password: {@link PostgresOptions#jdbcUrl} refuses user info).
     */
    public static String where(GatewayConfig.Store config) {
        return config.postgres() ? masked(config.url()) : sqliteFile(config).toString();
    }

    private static String masked(String url) {
        return url.replaceAll("//[^@/]*@", "//****@");
    }
}
