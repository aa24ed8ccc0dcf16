package dev.tally.cli.options;

import dev.tally.cli.CommandFailure;
import dev.tally.cli.source.AdminApiReader;
import dev.tally.cli.source.AdminClient;
import dev.tally.cli.source.AuditReader;
import dev.tally.cli.source.GatewayIntegrity;
import dev.tally.cli.source.IntegritySource;
import dev.tally.cli.source.StoreIntegrity;
import dev.tally.cli.source.StoreReader;
import dev.tally.audit.store.DerivedRows;
import dev.tally.audit.store.StoreException;
import dev.tally.gateway.config.ConfigLoader;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.store.AuditStores;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Where a command gets its data: the store read directly — the one {@code --config <tally.yaml>}
 * names ({@code store.url}: a SQLite file or a PostgreSQL database, opened through
 * {@link AuditStores} as {@code tally serve} opens it), else the SQLite file {@code tally.db} in
 * {@code --data <dir>} (default {@code ./data}) — or {@code --url <gateway>} with an admin token
 * from {@code --token}, {@code --token-file} or the {@code TALLY_ADMIN_TOKEN} environment variable
 * (the admin API). {@code --url} with {@code --data} or {@code --config} is a usage error. With both
 * {@code --config} and {@code --data}, {@code --data} is where an unset {@code store.url} points, as
 * for {@code tally serve}. A picocli mixin; not thread-safe.
 */
public final class SourceOptions {

    /** The environment variable holding the admin token. */
    public static final String TOKEN_ENV = "TALLY_ADMIN_TOKEN";

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "<dir>",
            description = "Read the store in this data directory directly (default: ./data unless --url is given).")
    Path data;

    @Option(names = "--config", paramLabel = "<file>",
            description = {"Read the store this tally.yaml names directly (store.url: a SQLite file, or a PostgreSQL "
                + "database with store.user/store.password or TALLY_STORE_USER/TALLY_STORE_PASSWORD)."})
    Path config;

    @Option(names = "--url", paramLabel = "<url>",
            description = "Read through the admin API of the gateway at this address, e.g. http://127.0.0.1:8080.")
    String url;

    @Option(names = "--token", paramLabel = "<token>",
            description = "Admin token for --url (prefer " + TOKEN_ENV + " or --token-file: arguments are visible to other users).")
    String token;

    @Option(names = "--token-file", paramLabel = "<file>",
            description = "File holding the admin token for --url, e.g. <data>/admin-token.")
    Path tokenFile;

    private final Map<String, String> environment;
    private GatewayConfig settings; // --config, read once

    /** Options reading the token variable from the process environment. */
    public SourceOptions() {
        this(System.getenv());
    }

    /** Options reading the token variable from {@code environment} (see {@code TallyCommand.commandLine(Map)}). */
    public SourceOptions(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /** Whether the data comes through the admin API. */
    public boolean remote() {
        return url != null;
    }

    /**
     * The data directory when reading a store ({@code ./data} by default).
     *
     * @throws CommandLine.ParameterException when a token was given without {@code --url}
     */
    public Path dataDir() {
        if (token != null || tokenFile != null) {
            throw usage("--token and --token-file go with --url (expected: --url <gateway> too, or no token)");
        }
        return data == null ? Path.of("./data") : data;
    }

    /**
     * Opens the chosen source.
     *
     * @throws CommandLine.ParameterException when the options contradict each other or a value is malformed
     * @throws CommandFailure when the store cannot be opened or the token file read
     */
    public AuditReader open() {
        if (url == null) {
            return new StoreReader(storeWhere(), openStore(false));
        }
        return new AdminApiReader(client());
    }

    /**
     * Opens the chosen source of heads and proofs.
     *
     * @throws CommandLine.ParameterException when the options contradict each other or a value is malformed
     * @throws CommandFailure when the store cannot be opened or the token file read
     */
    public IntegritySource integrity() {
        if (url == null) {
            return new StoreIntegrity(storeWhere(), openStore(false));
        }
        return new GatewayIntegrity(client());
    }

    /** The {@code --config} file, or null. */
    public Path configFile() {
        return config;
    }

    /**
     * The whole {@code --config} file, read and validated once ({@code store.url} defaulting to the
     * data directory's {@code tally.db}); an unset {@code ${VAR}} for a provider's key or an alert's
     * secret, which no command here uses, is not an error ({@link ConfigLoader#loadForReading});
     * empty without {@code --config}.
     *
     * @throws CommandFailure when the file is missing or invalid
     */
    public java.util.Optional<GatewayConfig> settings() {
        if (config == null) {
            return java.util.Optional.empty();
        }
        if (settings == null) {
            try {
                settings = ConfigLoader.loadForReading(config, dataDir(), environment);
            } catch (IllegalArgumentException e) {
                throw new CommandFailure("config: " + e.getMessage(), e);
            }
        }
        return java.util.Optional.of(settings);
    }

    /** The store read directly: {@code --config}'s {@code store} section, else {@code <data>/tally.db}. */
    public GatewayConfig.Store store() {
        return settings().map(GatewayConfig::store)
                .orElseGet(() -> new GatewayConfig.Store("sqlite:" + dataDir().resolve(StoreReader.DATABASE_FILE)));
    }

    /** Where {@link #store()} is, for messages: a file, or {@code postgresql://host:port/database}. */
    public String storeWhere() {
        return AuditStores.where(store());
    }

    /**
     * Opens {@link #store()} directly. A missing SQLite file is created only when {@code create}
     * (making the first key before the first {@code tally serve} is fine; listing a mistyped
     * directory is not).
     *
     * @throws CommandFailure when there is no store and {@code create} is false, or it cannot be opened
     */
    public DerivedRows openStore(boolean create) {
        GatewayConfig.Store store = store();
        if (!create && !store.postgres() && !Files.isRegularFile(AuditStores.sqliteFile(store))) {
            throw new CommandFailure(config == null
                    ? "data: " + dataDir() + " has no " + StoreReader.DATABASE_FILE + " (expected: the data directory of a "
                            + "Tally instance, e.g. --data ./data, --config tally.yaml, or --url of a gateway)"
                    : "config: store.url '" + store.url() + "' names no file (expected: the store of a Tally instance)");
        }
        try {
            return AuditStores.open(store, create ? AuditStores.Create.IF_MISSING : AuditStores.Create.NEVER);
        } catch (StoreException | IllegalArgumentException | java.io.UncheckedIOException e) {
            throw new CommandFailure(e.getMessage(), e);
        }
    }

    /** A client of the admin API given by {@code --url} and the token. */
    public AdminClient client() {
        if (data != null || config != null) {
            throw usage((data != null ? "--data" : "--config")
                    + " and --url cannot be used together (expected: one of them)");
        }
        return new AdminClient(address(), resolveToken());
    }

    private URI address() {
        try {
            URI uri = new URI(url.strip());
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                    || (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))
                    || uri.getQuery() != null) {
                throw new URISyntaxException(url, "not a gateway address");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw usage("--url: '" + url + "' (expected: the gateway's address, http(s)://host:port, e.g. "
                    + "http://127.0.0.1:8080)");
        }
    }

    private String resolveToken() {
        if (token != null && tokenFile != null) {
            throw usage("--token and --token-file cannot be used together (expected: one of them)");
        }
        String value = token;
        if (tokenFile != null) {
            try {
                value = Files.readString(tokenFile).strip();
            } catch (IOException e) {
                throw new CommandFailure("token-file: " + tokenFile + " cannot be read (" + e.getMessage() + ")", e);
            }
        }
        if (value == null) {
            value = environment.get(TOKEN_ENV);
        }
        if (value == null || value.isBlank()) {
            throw usage("--url needs the admin token (expected: --token <token>, --token-file <file> or the "
                    + TOKEN_ENV + " environment variable)");
        }
        return value.strip();
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
