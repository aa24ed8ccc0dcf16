package dev.tally.gateway.server;

import dev.tally.audit.files.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Chain ids for the writers that do not get one from configuration: a gateway ({@code gw-…}) and
 * the CLI's own key changes ({@code cli-…}). Several hosts can share one PostgreSQL store, and
 * one chain must have exactly one writer, so a new id names the host and the data directory:
 * {@code <prefix>-<host>-<8 hex digits of SHA-256 of the data directory's absolute path>}, host
 * cut to 40 characters of A-Z a-z 0-9 . -. The id is made once and kept in
 * {@code <dir>/instance-id}, so a restarted writer continues its chain even when the host is
 * renamed. Stateless and thread-safe.
 */
public final class InstanceIds {

    /** The file in a writer's own directory that keeps its chain id. */
    public static final String FILE = "instance-id";

    private InstanceIds() {
    }

    /**
     * The chain id kept in {@code dir/instance-id}, or a new one derived from this host and
     * {@code dataDir} (written there for next time). {@code legacy}, when not null, is the id to
     * keep for a writer that ran before ids were derived (its directory already holds a signing
     * key but no {@code instance-id}).
     *
     * @throws IllegalStateException when the file holds something that is not an id
     * @throws UncheckedIOException when the directory or file cannot be read or created
     */
    public static String idIn(Path dir, Path dataDir, String prefix, String legacy) {
        Path file = dir.resolve(FILE);
        try {
            PrivateFiles.createDirectories(dir);
            if (Files.exists(file)) {
                String id = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (!id.matches("[A-Za-z0-9._-]{1,64}")) {
                    throw new IllegalStateException(file + ": '" + id + "' (expected: 1-64 characters of A-Z a-z 0-9 . _ -)");
                }
                return id;
            }
            boolean ranBefore = legacy != null
                    && Files.exists(dir.resolve(dev.tally.audit.chain.SigningKeys.PRIVATE_FILE));
            String id = ranBefore ? legacy : derived(prefix, hostName(), dataDir);
            Files.writeString(file, id + "\n", StandardCharsets.UTF_8);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }

    /** {@code <prefix>-<host>-<8 hex of SHA-256 of the data directory's absolute path>}. */
    public static String derived(String prefix, String host, Path dataDir) {
        String cleanHost = host.replaceAll("[^A-Za-z0-9.-]", "-");
        if (cleanHost.length() > 40) {
            cleanHost = cleanHost.substring(0, 40);
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(dataDir.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            return prefix + "-" + (cleanHost.isEmpty() ? "host" : cleanHost) + "-" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            String env = System.getenv("HOSTNAME");
            return env == null ? "host" : env;
        }
    }
}
