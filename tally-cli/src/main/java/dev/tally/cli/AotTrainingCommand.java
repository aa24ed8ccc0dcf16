package dev.tally.cli;

import dev.tally.audit.store.sqlite.SqliteTemplate;
import dev.tally.gateway.config.ConfigLoader;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.server.GatewayRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tally aot-training <workload> --dir <dir>} (hidden): a workload the launcher runs once per
 * build under {@code -XX:AOTCacheOutput} to make a JDK 25 ahead-of-time cache (JEP 483/514/515).
 * What a run loads, links and profiles is what later runs find ready, and all of it is loaded
 * again at every start that uses the cache, so there is one workload, and one cache, per family
 * of commands:
 * <ul>
 *   <li>{@code serve}: the gateway as {@code serve} starts it, in {@code <dir>} (the first start
 *       that creates the store, then a restart on it, each answering {@code /health}, an admin
 *       call that creates a key, and a chat call that fails upstream so it is recorded). It
 *       leaves the store in {@code <dir>/data} for the next workload.
 *   <li>{@code commands}: {@code logs}, {@code usage}, {@code events}, {@code verify},
 *       {@code keys list}, {@code --version} and {@code logs --help} on that store, in-process,
 *       their output discarded, so the cache of the short commands holds none of the gateway's
 *       classes.
 *   <li>{@code sqlite-library} (no cache; run first): copies the SQLite driver's native library
 *       for this machine from the jar into {@code <dir>}. The launcher then points the driver at
 *       it ({@code org.sqlite.lib.path}), which otherwise, on every run, started {@code uname}
 *       to tell the platform and extracted the library to a temporary file. It also makes
 *       {@code <dir>/store-template.db}, an empty store made by Flyway, which a new SQLite store
 *       starts as a copy of ({@link SqliteTemplate}, named by the launcher in
 *       {@code tally.sqlite.template}); the serve workload then trains that path, not Flyway's.
 * </ul>
 * The launcher makes {@code <dir>} (and removes the training one). Blocking; not thread-safe (one per run).
 */
@Command(name = "aot-training", hidden = true,
        description = "Run a start-up workload the launcher records into an AOT cache (internal).")
final class AotTrainingCommand implements Callable<Integer> {

    /** The empty store the {@code sqlite-library} workload makes beside the library ({@link SqliteTemplate}). */
    static final String STORE_TEMPLATE = "store-template.db";

    private static final Pattern SECRET = Pattern.compile("\"secret\"\\s*:\\s*\"([^\"]+)\"");

    /** The workloads: one per AOT cache, and the SQLite library's copy. */
    enum Workload { serve, commands, sqlite_library }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<workload>", converter = WorkloadName.class,
            description = "serve, commands or sqlite-library.")
    Workload workload;

    @Option(names = "--dir", paramLabel = "<dir>", required = true,
            description = "Working directory: serve fills <dir>/data, commands reads it.")
    Path dir;

    @Override
    public Integer call() throws IOException {
        Path data = dir.resolve("data");
        if (workload == Workload.sqlite_library) {
            copySqliteLibrary(dir);
            try {
                SqliteTemplate.make(dir.resolve(STORE_TEMPLATE));
            } catch (java.sql.SQLException e) {
                throw new CommandFailure("cannot make the store template: " + e.getMessage(), e);
            }
            return TallyCommand.OK;
        }
        if (workload == Workload.serve) {
            Files.createDirectories(dir);
            Path config = dir.resolve("tally.yaml");
            // A provider on a port nothing listens on: the chat call ends 502 without waiting, and is recorded.
            Files.writeString(config, """
                    server: {host: 127.0.0.1, port: 0}
                    providers:
                      - name: nowhere
                        kind: openai
                        base_url: http://127.0.0.1:9/v1
                        api_key: training-not-a-secret
                        retries: {max: 0}
                    models:
                      training-model: {provider: nowhere}
                    """, StandardCharsets.UTF_8);
            serveOnce(config, data, true);
            serveOnce(config, data, false);
            return TallyCommand.OK;
        }
        if (!Files.isDirectory(data)) {
            throw new UsageFailure("--dir: " + dir + " (expected: a directory the serve workload has filled, with data/ in it)");
        }
        String store = data.toString();
        for (List<String> args : List.of(List.of("logs", "--data", store), List.of("usage", "--data", store),
                List.of("events", "--data", store), List.of("verify", "--data", store),
                List.of("keys", "list", "--data", store), List.of("--version"), List.of("logs", "--help"))) {
            CommandLine line = TallyCommand.commandLine(Map.of(), args.toArray(String[]::new));
            PrintWriter nowhere = new PrintWriter(OutputStream.nullOutputStream());
            line.setOut(nowhere);
            line.setErr(nowhere);
            line.execute(args.toArray(String[]::new));
        }
        return TallyCommand.OK;
    }

    /** Copies the native library the SQLite driver would extract on this machine to {@code target}. */
    private static void copySqliteLibrary(Path target) throws IOException {
        String name = LibraryLoaderUtil.getNativeLibName();
        String resource = "/" + LibraryLoaderUtil.getNativeLibResourcePath().replaceFirst("^/", "") + "/" + name;
        try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new CommandFailure("the SQLite driver has no native library for this machine (" + resource + ")");
            }
            Files.createDirectories(target);
            Files.copy(in, target.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Reads a workload's name as typed ({@code sqlite-library}). */
    static final class WorkloadName implements CommandLine.ITypeConverter<Workload> {
        @Override
        public Workload convert(String value) {
            for (Workload workload : Workload.values()) {
                if (workload.name().replace('_', '-').equals(value)) {
                    return workload;
                }
            }
            throw new CommandLine.TypeConversionException("'" + value + "' (expected: serve, commands or sqlite-library)");
        }
    }

    /**
     * One start of the gateway as {@code serve} makes it, some calls, and its shutdown. The calls
     * go over a plain socket, not the JDK's {@code HttpClient}: the cache holds every class the
     * training loads, and a start would load the client's 300-odd classes for nothing.
     */
    private static void serveOnce(Path config, Path data, boolean calls) throws IOException {
        GatewayConfig settings = ConfigLoader.load(config, data, Map.of());
        GatewayRuntime runtime = GatewayRuntime.start(settings, data, Clock.systemUTC());
        try {
            int port = runtime.port();
            send(port, "GET", "/health", null, null);
            if (calls) {
                String admin = "Bearer " + runtime.admin().token().reveal();
                String created = send(port, "POST", "/v1/admin/keys", admin, "{\"name\":\"training\"}");
                Matcher secret = SECRET.matcher(created);
                if (secret.find()) {
                    send(port, "POST", "/v1/chat/completions", "Bearer " + secret.group(1),
                            "{\"model\":\"training-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
                }
                send(port, "GET", "/v1/admin/logs", admin, null);
                // What a gateway warms up a moment after its start (StartupWarmUp.afterStart),
                // after this run's end: done here so that its classes are in the cache too.
                new dev.tally.gateway.usage.TokenEstimator().warmUp();
                dev.tally.gateway.server.StartupWarmUp.tls();
            }
        } finally {
            runtime.shutdown(Duration.ofSeconds(10));
        }
    }

    /** One HTTP/1.1 request on its own connection; returns the response's body. */
    private static String send(int port, String method, String path, String authorization, String json) throws IOException {
        byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("host: 127.0.0.1:").append(port).append("\r\n");
        if (authorization != null) {
            head.append("authorization: ").append(authorization).append("\r\n");
        }
        head.append("content-type: application/json\r\ncontent-length: ").append(body.length).append("\r\n\r\n");
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
            long length = -1;
            boolean chunked = false;
            for (String line = line(in); !line.isEmpty(); line = line(in)) {
                String lower = line.toLowerCase(java.util.Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(lower.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                }
            }
            java.io.ByteArrayOutputStream answer = new java.io.ByteArrayOutputStream();
            if (chunked) {
                for (int size = Integer.parseInt(line(in).split(";")[0].trim(), 16); size > 0;
                        size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) {
                    answer.write(in.readNBytes(size));
                    line(in); // the CRLF after each chunk
                }
            } else if (length > 0) {
                answer.write(in.readNBytes((int) length));
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    /** One header line without its CRLF (ASCII). */
    private static String line(java.io.InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed in the middle of a response");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }
}
