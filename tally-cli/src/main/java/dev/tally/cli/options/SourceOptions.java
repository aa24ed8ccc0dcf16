package dev.tally.cli.options;

import dev.tally.cli.CommandFailure;
import dev.tally.cli.source.AdminApiReader;
import dev.tally.cli.source.AdminClient;
import dev.tally.cli.source.AuditReader;
import dev.tally.cli.source.StoreReader;
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
 * Where a reading command gets its data: {@code --data <dir>} (the store file there, read
 * directly; the default is {@code ./data}) or {@code --url <gateway>} with an admin token from
 * {@code --token}, {@code --token-file} or the {@code TALLY_ADMIN_TOKEN} environment variable
 * (the admin API). Giving both {@code --data} and {@code --url} is a usage error. A picocli
 * mixin; not thread-safe.
 */
public final class SourceOptions {

    /** The environment variable holding the admin token. */
    public static final String TOKEN_ENV = "TALLY_ADMIN_TOKEN";

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "<dir>",
            description = "Read the store in this data directory directly (default: ./data unless --url is given).")
    Path data;

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
            return StoreReader.open(dataDir());
        }
        return new AdminApiReader(client());
    }

    /** A client of the admin API given by {@code --url} and the token. */
    public AdminClient client() {
        if (data != null) {
            throw usage("--data and --url cannot be used together (expected: one of them)");
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
